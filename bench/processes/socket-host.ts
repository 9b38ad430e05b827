/**
 * The socket-host in a process of its own (its RSS is one of the figures), with the fake WhatsApp
 * socket as the one linked number. The bench drives it over IPC: inject customer messages, read RSS.
 * It runs bundled as the image's socket-host is (bench/lib/socket-host-bundle.ts), with the image's
 * NODE_OPTIONS, so its memory is the image's plus these few stand-ins.
 */
import { classifierFor, installFetchMeter, now } from '../lib/fetch-meter.ts';

const env = JSON.parse(process.env.BENCH_ENV ?? '{}') as Record<string, string>;
const meter = installFetchMeter(classifierFor(env));

const { loadSocketHostConfig } = await import('../../shared/config/socket-host-config.ts');
const { startSocketHost } = await import('../../socket-host/host.ts');
const { createPlaygroundSockets } = await import('../../socket-host/playground-socket.ts');
const { startMediaCdn } = await import('../../local/media-cdn.ts');
const { mediaMessage } = await import('../../socket-host/playground-media.ts');
const pino = (await import('pino')).default;

// Customers' voice notes are encrypted as WhatsApp does and served from a stand-in of its media
// servers, here beside the socket that uploads them; the functions download them as from WhatsApp.
const mediaCdn = await startMediaCdn(Number(process.env.BENCH_CDN_PORT));
const fake = createPlaygroundSockets({ mediaCdn });
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
  | { cmd: 'injectVoice'; from: string; id: string; base64: string }
  | { cmd: 'rss' }
  | { cmd: 'cpu' }
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
    case 'injectVoice': {
      // Encrypting and uploading happen on the customer's phone: the event is in when the socket emits it.
      const data = Uint8Array.from(Buffer.from(m.base64, 'base64'));
      const message = await mediaMessage(mediaCdn, { type: 'voice', data, mimeType: 'audio/ogg; codecs=opus' });
      const at = now();
      fake.latest()!.inject({ from: m.from, id: m.id, text: '', message });
      return reply(at);
    }
    case 'rss':
      (globalThis as { gc?: () => void }).gc?.();
      return reply(process.memoryUsage().rss);
    case 'cpu':
      // Microseconds of CPU this process used so far (user + system): what a V8 flag trades for memory.
      return reply(process.cpuUsage());
    case 'stats':
      return reply({ fetch: meter.counts(), sent: fake.sent().length, outbox: await host.outbox.pending() });
    case 'reset':
      meter.reset();
      return reply(true);
    case 'stop':
      await host.stop();
      await mediaCdn.close();
      reply(true);
      return process.exit(0);
  }
});
process.send?.({ ready: true });
