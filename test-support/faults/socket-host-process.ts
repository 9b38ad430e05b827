/**
 * The socket-host in a process of its own, so the fault suite can SIGKILL it mid-send. Its WhatsApp
 * is the fake socket (Baileys' real event shapes); WhatsApp's side lives in the test process, over IPC:
 * customer messages come in as `inject` commands, and a send counts as received by WhatsApp once the
 * test process acknowledged it, before sendMessage resolves (as Baileys resolves after the relay).
 */
import pino from 'pino';
import { loadSocketHostConfig } from '../../shared/config/socket-host-config.ts';
import { startSocketHost } from '../../socket-host/host.ts';
import type { MakeSocket } from '../../socket-host/socket-types.ts';
import { createFakeSockets } from '../fake-socket.ts';
import { FAULT_HOST_TUNING } from './timings.ts';
import { whenTold } from './when-told.ts';

export type HostCommand = { seq: number; cmd: 'inject'; from: string; text: string; id: string };
export type HostReport =
  | { ready: true }
  | { seq: number; value?: unknown; error?: string }
  | { event: 'sent'; ack: number; id: string; to: string; text: string }
  | { event: 'typing'; to: string };

await whenTold();
const env = JSON.parse(process.env.FAULTS_ENV ?? '{}') as Record<string, string>;
const report = (r: HostReport) => process.send?.(r);
const acks = new Map<number, () => void>();
let nextAck = 0;

const fake = createFakeSockets();
const makeSocket: MakeSocket = (config) => {
  const socket = fake.makeSocket(config) as ReturnType<typeof fake.latest> & {};
  const send = socket.sendMessage.bind(socket);
  socket.sendMessage = async (jid, content, options) => {
    const message = await send(jid, content, options);
    const ack = nextAck++;
    await new Promise<void>((resolve) => {
      acks.set(ack, resolve);
      report({ event: 'sent', ack, id: message.key.id!, to: jid, text: 'text' in content ? content.text : '' });
    });
    return message;
  };
  const presence = socket.sendPresenceUpdate.bind(socket);
  socket.sendPresenceUpdate = async (type, jid) => {
    if (type === 'composing' && jid) report({ event: 'typing', to: jid });
    return await presence(type, jid);
  };
  return socket;
};

const config = loadSocketHostConfig(env);
const log = pino({ level: config.LOG_LEVEL, base: { side: 'socket-host', pid: process.pid } });
const host = await startSocketHost({ config, makeSocket, printQr: false, log, tuning: FAULT_HOST_TUNING });

process.on('message', (m: HostCommand | { ackOf: number }) => {
  if ('ackOf' in m) {
    acks.get(m.ackOf)?.();
    acks.delete(m.ackOf);
    return;
  }
  try {
    const socket = fake.latest();
    if (!socket || socket.state !== 'open') throw new Error('the socket is not open');
    const message = socket.inject({ from: m.from, text: m.text, id: m.id });
    report({ seq: m.seq, value: message.key.id });
  } catch (err) {
    report({ seq: m.seq, error: err instanceof Error ? err.message : String(err) });
  }
});

// Ready once the number is ours (the lease a killed predecessor held has expired) and open.
const session = [...host.sessions.values()][0]!;
while (session.status !== 'open') await new Promise((resolve) => setTimeout(resolve, 20));
report({ ready: true });
