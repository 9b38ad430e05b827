/**
 * The socket-host's HTTP surface: /health for monitors, and a few signed endpoints for the functions
 * (/send, linking, logout, and in local mode the playground). Errors use the contract's envelope.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sendRequest, type SendRequest, type SendResult } from '../shared/contracts/send-request.ts';
import { registerCommandRoutes, type CommandDeps } from './commands.ts';
import { HostError, renderHostError } from './http-errors.ts';
import { parseBody } from './parse-body.ts';
import type { Outbox } from './outbox.ts';
import { loadQrCode } from './qr-code.ts';
import type { PlaygroundSockets } from './playground-socket.ts';
import type { Session } from './session.ts';
import type { SessionRegistry } from './session-registry.ts';
import { requireQStashSignature, type SigningKeys } from './verify-signature.ts';

export type ServerDeps = {
  sessions: ReadonlyMap<string, Session>;
  outbox: Outbox;
  send: (req: SendRequest) => Promise<SendResult>;
  signingKeys: SigningKeys;
  log: Logger;
  /** What the integrator-facing WhatsApp commands (/sessions/:id/read, /messages, /groups…) need. */
  commands: Omit<CommandDeps, 'sessions' | 'log'>;
  /** Local mode only: the in-process socket behind the `playground` session. */
  playground?: { sessionId: string; sockets: PlaygroundSockets };
  /** Numbers added and removed while the host runs (POST /sessions, /sessions/:id/remove). */
  registry: Pick<SessionRegistry, 'add' | 'remove'>;
};

/** The same ids as WA_SESSIONS accepts (shared/config/socket-host-config.ts), and /v1's 64-character bound. */
const addBody = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _') });

const pairingBody = z.object({ phone: z.string().regex(/^\+?[\d\s().-]{5,30}$/, 'must be a phone number') });
const injectBody = z
  .object({
    from: z.string().min(1).max(128),
    /** The message, or the caption of `media`. */
    text: z.string().max(65_536).default(''),
    id: z.string().regex(/^[0-9A-Za-z]{4,64}$/).optional(),
    fromMe: z.boolean().optional(),
    type: z.enum(['notify', 'append']).optional(),
    pushName: z.string().max(256).optional(),
    media: z
      .object({
        type: z.enum(['image', 'audio', 'voice', 'video', 'document', 'sticker']),
        mimeType: z.string().min(1).max(255),
        data: z.base64(),
        fileName: z.string().min(1).max(512).optional(),
      })
      .optional(),
    location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(512).optional() }).optional(),
  })
  .refine((b) => b.text || b.media || b.location, { message: 'needs text, media or location', path: ['text'] });

export function createServer(deps: ServerDeps): Hono {
  const app = new Hono();
  const outboxIfAsked = async (c: Context) =>
    c.req.query('outbox') === '1' ? { outbox: { pending: await deps.outbox.pending().catch(() => null) } } : {};
  const verify = requireQStashSignature(deps.signingKeys);
  const session = (c: Context): Session => {
    const found = deps.sessions.get(c.req.param('id') ?? '');
    if (!found) throw new HostError('NOT_FOUND', `This socket-host holds no session "${c.req.param('id')}".`);
    return found;
  };

  // On every answer, errors and 404s included: the host may be reachable from the internet.
  app.use(secureHeaders());
  app.use(requestId());
  app.use(
    bodyLimit({
      maxSize: 256 * 1024,
      onError: () => {
        throw new HostError('PAYLOAD_TOO_LARGE', 'The request body is larger than 256 KiB.');
      },
    }),
  );
  app.use(async (c, next) => (c.req.method === 'GET' && c.req.path === '/health' ? next() : verify(c, next)));

  // /health is for anyone (the image's health check, uptime monitors): states only — no phone numbers,
  // no reasons (they carry upstream error text) — and no database query, so the health check every
  // 30 s never keeps a Neon compute awake. `?outbox=1` adds the outbox's backlog (one query).
  app.get('/health', async (c) => {
    // `linked` lets a monitor tell a number that dropped from one never linked (waiting for its QR).
    const sessions = [...deps.sessions.values()].map((s) => ({ id: s.id, status: s.status, linked: s.linked }));
    return c.json({ status: 'ok', sessions, ...(await outboxIfAsked(c)) }, 200, { 'Cache-Control': 'no-store' });
  });

  // Signed like every route but /health: the functions show these details to an admin key only.
  app.get('/health/details', async (c) => {
    const sessions = [...deps.sessions.values()].map((s) => ({ id: s.id, status: s.status, linked: s.linked, phone: s.phone, reason: s.reason }));
    return c.json({ status: 'ok', sessions, ...(await outboxIfAsked(c)) }, 200, { 'Cache-Control': 'no-store' });
  });

  // 202 while the send waits its turn in the number's queue; 200 once it is final (sent or failed).
  app.post('/send', async (c) => {
    const result = await deps.send(await parseBody(c, sendRequest));
    return c.json(result, result.status === 'queued' ? 202 : 200);
  });

  app.get('/sessions/:id/qr', (c) => {
    const s = session(c);
    return c.json({ qr: s.qr, status: s.status });
  });

  // Signed, unlike /health: the cause and the retry time are for the functions' admin routes.
  // `held`: whether this host holds the number's lease (in a pool, another replica may, and its row says how it is).
  app.get('/sessions', (c) => c.json({ data: [...deps.sessions.values()].map((s) => ({ ...s.view(), held: s.holdsLease })) }));

  app.get('/sessions/:id/qr.png', async (c) => {
    const png = await (await loadQrCode()).toBuffer(session(c).currentQr(), { type: 'png', margin: 2, width: 320 });
    return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
  });

  app.post('/sessions/:id/pairing-code', async (c) => {
    const s = session(c);
    const { phone } = await parseBody(c, pairingBody);
    return c.json({ code: await s.pairingCode(phone.replace(/\D/g, '')) });
  });

  app.post('/sessions/:id/logout', async (c) => {
    const s = session(c);
    await s.logout();
    return c.json({ status: s.status });
  });

  app.post('/sessions', async (c) => c.json(await deps.registry.add((await parseBody(c, addBody)).id), 201));

  app.post('/sessions/:id/remove', async (c) => {
    await deps.registry.remove(c.req.param('id'));
    return c.json({ removed: true });
  });

  app.post('/sessions/:id/start', async (c) => {
    const s = session(c);
    await s.restart();
    return c.json({ status: s.status });
  });

  registerCommandRoutes(app, { ...deps.commands, sessions: deps.sessions, log: deps.log });

  const { playground } = deps;
  if (playground) {
    app.post('/playground/inject', async (c) => {
      const input = await parseBody(c, injectBody);
      const sock = playground.sockets.latest();
      if (!sock || sock.state !== 'open') throw new HostError('UNAVAILABLE', 'The playground session is not open yet.');
      const { media, location, ...rest } = input;
      const message = media
        ? await sock.injectMedia({ ...rest, media: { ...media, data: Buffer.from(media.data, 'base64'), caption: rest.text || undefined } })
        : location
          ? sock.inject({ ...rest, message: { locationMessage: { degreesLatitude: location.latitude, degreesLongitude: location.longitude, name: location.name } } })
          : sock.inject(rest);
      return c.json({ id: message.key.id, sessionId: playground.sessionId }, 202);
    });
    app.get('/playground/sent', (c) => {
      const sent = playground.sockets.sent(c.req.query('to') || undefined);
      return c.json({ messages: sent.map(({ id, to, text, at }) => ({ id, to, text, at })) });
    });
  }

  app.notFound((c) => renderHostError(c, new HostError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((err, c) => {
    if (err instanceof HostError) return renderHostError(c, err);
    deps.log.error({ err: err.message, stack: err.stack, path: c.req.path, requestId: c.get('requestId') }, 'unhandled error');
    return renderHostError(c, new HostError('INTERNAL', 'Something went wrong on our side; it was logged.'));
  });
  return app;
}
