/**
 * One replica of a socket-host pool in a process of its own, for socket-host/pool.test.ts: fake
 * WhatsApp sockets (one per number it holds), driven over IPC. Every message a socket sends is appended
 * to a file before sendMessage returns, so what a replica sent survives its SIGKILL.
 */
import { appendFileSync } from 'node:fs';
import pino from 'pino';
import { loadSocketHostConfig } from '../shared/config/socket-host-config.ts';
import { startSocketHost } from './host.ts';
import { createPlaygroundSockets, type PlaygroundSockets } from './playground-socket.ts';
import type { MakeSocket } from './socket-types.ts';

const env = JSON.parse(process.env.POOL_ENV ?? '{}') as Record<string, string>;
const sentFile = process.env.POOL_SENT_FILE!;
const bySession = new Map<string, PlaygroundSockets>();

// Sessions log through a child logger bound to their id, which Baileys' config carries.
const makeSocket: MakeSocket = (config) => {
  const sessionId = String((config.logger as unknown as pino.Logger).bindings().session);
  const sockets = bySession.get(sessionId) ?? createPlaygroundSockets();
  bySession.set(sessionId, sockets);
  const socket = sockets.makeSocket(config);
  const send = socket.sendMessage.bind(socket);
  socket.sendMessage = async (jid, content, options) => {
    const message = await send(jid, content, options);
    appendFileSync(sentFile, `${JSON.stringify({ session: sessionId, id: options?.messageId, to: jid })}\n`);
    return message;
  };
  return socket;
};

const host = await startSocketHost({
  config: { ...loadSocketHostConfig(env), listenPort: Number(env.SOCKET_HOST_PORT) },
  makeSocket,
  printQr: false,
  statusEvents: 'failed',
  log: pino({ level: 'silent' }),
  tuning: {
    session: {
      leaseTtlMs: Number(process.env.POOL_LEASE_MS),
      leaseRenewMs: Number(process.env.POOL_LEASE_MS) / 3,
      reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 },
    },
    outbox: { retryDelayMs: 20, maxRetryDelayMs: 200 },
    // A gap between one number's sends, so replies queue up and some are pending when a replica dies.
    throttle: { minGapMs: 150, typingMsPerChar: 0, maxTypingMs: 0 },
    send: { answerWithinMs: 100, socketCheckMs: 20, retryDelayMs: 20, markRetryDelayMs: 20, markMaxRetryDelayMs: 100 },
  },
});

type Command = { seq: number } & ({ cmd: 'held' } | { cmd: 'inject'; session: string; from: string; id: string; text: string } | { cmd: 'stop' });

process.on('message', async (m: Command) => {
  const reply = (value: unknown) => process.send?.({ seq: m.seq, value });
  switch (m.cmd) {
    case 'held':
      return reply([...host.sessions.values()].filter((s) => s.holdsLease && s.openSocket()).map((s) => s.id));
    case 'inject': {
      const session = host.sessions.get(m.session);
      const socket = session?.holdsLease && session.openSocket() ? bySession.get(m.session)?.latest() : undefined;
      if (socket?.state !== 'open') return reply(false);
      socket.inject({ from: m.from, id: m.id, text: m.text });
      return reply(true);
    }
    case 'stop':
      // What SIGTERM does in main.ts: the numbers are released for the other replicas at once.
      await host.stop();
      reply(true);
      return process.exit(0);
  }
});
process.send?.({ ready: host.url });
