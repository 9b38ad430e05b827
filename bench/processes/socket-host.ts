/**
 * The socket-host in a process of its own (its RSS is one of the figures), with the fake WhatsApp
 * socket as the one linked number. The bench drives it over IPC: inject customer messages, read RSS.
 */
import { classifierFor, installFetchMeter, now } from '../lib/fetch-meter.ts';

const env = JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
const meter = installFetchMeter(classifierFor(env));

const { loadSocketHostConfig } = await import('../../shared/config/socket-host-config.ts');
const { startSocketHost } = await import('../../socket-host/host.ts');
const { createPlaygroundSockets } = await import('../../socket-host/playground-socket.ts');
const pino = (await import('pino')).default;

const fake = createPlaygroundSockets();
const host = await startSocketHost({
  config: loadSocketHostConfig(env),
  makeSocket: fake.makeSocket,
  printQr: false,
  log: pino({ level: 'silent' }),
  // The bench measures our overhead, not WhatsApp pacing: no gap between sends, no typing pause.
  tuning: { throttle: { minGapMs: 0, typingMsPerChar: 0, maxTypingMs: 0 } },
});
while (fake.latest()?.state !== 'open') await new Promise((r) => setTimeout(r, 10));
// Tell the bench when a reply leaves towards WhatsApp (Baileys echoes our own sends as fromMe upserts).
fake.latest()!.ev.on('messages.upsert', ({ messages }) => {
  for (const m of messages) {
    const token = m.key.fromMe ? m.message?.extendedTextMessage?.text?.match(/\bT\d+\b/)?.[0] : undefined;
    if (token) process.send?.({ sent: token });
  }
});

type Command =
  | { cmd: 'inject'; from: string; text: string; id: string }
  | { cmd: 'rss' }
  | { cmd: 'stats' }
  | { cmd: 'reset' }
  | { cmd: 'stop' };

process.on('message', async (m: Command & { seq: number }) => {
  const reply = (value: unknown) => process.send?.({ seq: m.seq, value });
  switch (m.cmd) {
    case 'inject': {
      const at = now();
      fake.latest()!.inject({ from: m.from, text: m.text, id: m.id });
      return reply(at);
    }
    case 'rss':
      (globalThis as { gc?: () => void }).gc?.();
      return reply(process.memoryUsage().rss);
    case 'stats':
      return reply({ fetch: meter.counts(), sent: fake.sent().length, outbox: await host.outbox.pending() });
    case 'reset':
      meter.reset();
      return reply(true);
    case 'stop':
      await host.stop();
      reply(true);
      return process.exit(0);
  }
});
process.send?.({ ready: true });
