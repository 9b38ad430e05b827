/**
 * One socket-host holding the numbers of WA_SESSIONS (bench_numbers_NN, their auth state seeded by
 * bench/lib/socket-host-numbers.ts), each on a fake WhatsApp socket, for the RSS per number held.
 * Once every number is open, each socket reads its number's busy working set of keys through the key
 * store the session gave it (bench/lib/auth-fixture.ts), as Baileys' socket would while answering:
 * Baileys' key cache keeps them. Then, settled and after a full GC, it sends its RSS, stops the host
 * (which hands the numbers back at once, for the next run) and exits.
 * Run bundled, with the image's NODE_OPTIONS and flags, as the socket-host figure of section 4.
 */
import pino from 'pino';
import { loadSocketHostConfig } from '../../shared/config/socket-host-config.ts';
import { startSocketHost } from '../../socket-host/host.ts';
import { createPlaygroundSockets, type PlaygroundSockets } from '../../socket-host/playground-socket.ts';
import type { MakeSocket } from '../../socket-host/socket-types.ts';
import { readWorkingSet, WORKING_SET_ROWS } from '../lib/auth-fixture.ts';

const env = JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
const numbers = env.WA_SESSIONS!.split(',');
/** The number in a session id: bench_numbers_07 → 7, the index its seeded rows were made with. */
const indexOf = (sessionId: string) => Number(sessionId.split('_').at(-1));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const bySession = new Map<string, PlaygroundSockets>();
const reads: Promise<number>[] = [];
// Sessions log through a child logger bound to their id, which Baileys' config carries.
const makeSocket: MakeSocket = (config) => {
  const sessionId = String((config.logger as unknown as pino.Logger).bindings().session);
  const n = indexOf(sessionId);
  const me = { id: `5511${String(n).padStart(3, '0')}000000:12@s.whatsapp.net`, lid: `1${String(n).padStart(14, '0')}:12@lid`, name: `Bench ${n}` };
  const sockets = bySession.get(sessionId) ?? createPlaygroundSockets({ me });
  bySession.set(sessionId, sockets);
  const socket = sockets.makeSocket(config);
  reads.push(readWorkingSet(config.auth.keys, n));
  return socket;
};

const host = await startSocketHost({
  // Port 0: beside the bench's own socket-host, on a port of its own.
  config: { ...loadSocketHostConfig(env), listenPort: 0 },
  makeSocket,
  printQr: false,
  log: pino({ level: 'silent' }),
});
const deadline = Date.now() + 60_000;
while (reads.length < numbers.length || [...host.sessions.values()].some((s) => !s.openSocket())) {
  if (Date.now() > deadline) throw new Error(`not every number opened within 60 s (${reads.length} of ${numbers.length} sockets made)`);
  await sleep(20);
}
const read = (await Promise.all(reads)).reduce((a, b) => a + b, 0);
if (read !== numbers.length * WORKING_SET_ROWS) throw new Error(`read ${read} keys, expected ${numbers.length * WORKING_SET_ROWS}: is the auth state seeded?`);

// As section 4's idle figure: settled 2 s, then a full GC (twice: what the first frees, the second sweeps).
await sleep(2000);
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await sleep(100);
gc?.();
const { rss, heapUsed } = process.memoryUsage();
process.send?.({ rss, heapUsed, keysRead: read });
await host.stop();
process.exit(0);
