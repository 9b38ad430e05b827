/**
 * The WhatsApp boundary for tests: the socket-host's playground socket, which emits Baileys' real
 * event shapes and records what was sent, never touching WhatsApp. Pass `fakeSockets.makeSocket` as
 * `makeSocket` to startSocketHost (or startStack) and drive it through `latest()`.
 */
export {
  createPlaygroundSockets as createFakeSockets,
  disconnectError,
  PLAYGROUND_ME as FAKE_ME,
  PlaygroundSocket as FakeSocket,
  type InjectInput,
  type PlaygroundSockets as FakeSockets,
  type SentRecord,
} from '../socket-host/playground-socket.ts';
