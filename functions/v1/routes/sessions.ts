import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError, ERROR_STATUS, type ErrorCode } from '../../errors.ts';
import { callSocketHost } from '../../outbound/socket-host-client.ts';
import type { Services } from '../../services.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { SESSION_ID } from '../schemas.ts';

/**
 * Linking a WhatsApp number from anywhere: the socket-host answers only signed requests, so an admin
 * key reaches its QR code, pairing codes, restart and logout through here.
 */
const SessionParams = z.object({
  id: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').openapi({ param: { name: 'id', in: 'path' }, example: 'default' }),
});

const SessionSchema = z
  .object({
    id: z.string(),
    status: z.enum(['not_linked', 'connecting', 'qr', 'open', 'reconnecting', 'logged_out', 'replaced', 'stopped']),
    phone: z.string().nullable(),
    reason: z.string().nullable(),
    cause: z.string().nullable().openapi({
      description: 'Why the last connection closed (the network error, or WhatsApp’s reason), until it opens again.',
      example: 'getaddrinfo ENOTFOUND web.whatsapp.com',
    }),
    retryAt: z.string().nullable().openapi({ format: 'date-time', description: 'While `reconnecting`: when the next attempt is due.' }),
  })
  .openapi('Session', { description: 'A WhatsApp number the socket-host holds, and its link state.' });
type Session = z.infer<typeof SessionSchema>;

const PairingBody = z
  .strictObject({ phone: z.string().regex(/^\+?\d{8,15}$/, 'must be a phone number in international format, digits only') })
  .openapi('PairingCodeRequest');

export const listSessionsRoute = createRoute({
  method: 'get',
  path: '/v1/sessions',
  operationId: 'listSessions',
  tags: ['Sessions'],
  summary: 'The linked numbers and their link state',
  ...guard(['keys:admin']),
  responses: { 200: ok(z.object({ data: z.array(SessionSchema) }), 'Every session the socket-host holds.'), ...errors(403, 503) },
});

export const sessionQrRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/qr.png',
  operationId: 'getSessionQr',
  tags: ['Sessions'],
  summary: 'The QR code to scan in WhatsApp → Linked devices',
  description:
    'Present only while the session waits to be linked; a new code replaces it about every 20 seconds. Otherwise the error names the state: ' +
    '409 `ALREADY_LINKED`, 409 `NO_QR_CODE` (not yet, or stopped: restart it), 503 `WHATSAPP_UNREACHABLE` (with `Retry-After`), 503 `SOCKET_HOST_UNREACHABLE`.',
  ...guard(['keys:admin']),
  request: { params: SessionParams },
  responses: {
    200: { description: 'The QR code as a PNG image.', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errors(400, 403, 404, 409, 503),
  },
});

export const pairingCodeRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/pairing-code',
  operationId: 'requestPairingCode',
  tags: ['Sessions'],
  summary: 'Link by phone number instead of a QR code',
  description:
    'Enter the code in WhatsApp → Linked devices → Link with phone number. Restarts a logged-out session first. ' +
    '409 `ALREADY_LINKED` while a phone is linked; 503 `WHATSAPP_UNREACHABLE` (with `Retry-After`) or `SOCKET_HOST_UNREACHABLE`.',
  ...guard(['keys:admin']),
  request: { params: SessionParams, body: jsonBody(PairingBody) },
  responses: { 200: ok(z.object({ code: z.string() }).openapi('PairingCode'), 'The pairing code.'), ...errors(400, 403, 404, 409, 413, 415, 503) },
});

export const restartSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/restart',
  operationId: 'restartSession',
  tags: ['Sessions'],
  summary: 'Start a stopped session again, or reconnect a waiting one now',
  description:
    'After `logged_out`, `replaced` or `stopped`: opens a new socket (a QR code follows when the number is no longer linked). ' +
    'While `reconnecting`: tries now instead of at `retryAt`. Otherwise changes nothing. Answers the session as it is right after.',
  ...guard(['keys:admin']),
  request: { params: SessionParams },
  responses: { 200: ok(SessionSchema, 'The session.'), ...errors(400, 403, 404, 409, 503) },
});

export const logoutSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/logout',
  operationId: 'logoutSession',
  tags: ['Sessions'],
  summary: 'Unlink the phone and forget the link',
  description: 'Removes this device from the phone’s Linked devices (when connected) and deletes the stored link. Link again with a QR code or a pairing code.',
  ...guard(['keys:admin']),
  request: { params: SessionParams },
  responses: { 200: ok(SessionSchema, 'The session, now `logged_out`.'), ...errors(400, 403, 404, 409, 503) },
});

/** The socket-host takes up to 20 s to have a socket ready for a pairing code; wait a little longer. */
const RELAY_TIMEOUT_MS = 25_000;

/**
 * Calls the socket-host. What it says about the session (unknown, already linked, WhatsApp
 * unreachable, no QR yet…) passes through in its own words and code; only a socket-host that cannot
 * be reached at all is reported as such.
 */
async function relay(s: Services, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await callSocketHost(s, path, body, RELAY_TIMEOUT_MS);
  } catch (err) {
    const timedOut = (err as Error)?.name === 'TimeoutError';
    const why = timedOut ? `it did not answer within ${RELAY_TIMEOUT_MS / 1000} s` : describeFetchError(err);
    throw new ApiError('SOCKET_HOST_UNREACHABLE', `The socket-host at ${s.config.SOCKET_HOST_URL} cannot be reached (${why}); check that it runs and that SOCKET_HOST_URL points at it.`);
  }
  if (res.ok) return res;
  if (res.status === 401) {
    throw new ApiError('UNAVAILABLE', 'The socket-host refused the functions’ signature: QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY must be the same on both sides.');
  }
  const envelope = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; requestId?: string } } | undefined;
  const code = envelope?.error?.code;
  if (code === 'INTERNAL') {
    throw new ApiError('UNAVAILABLE', `The socket-host failed on this request; its log has the error under request id ${envelope?.error?.requestId ?? 'unknown'}.`);
  }
  if (code && code in ERROR_STATUS && envelope?.error?.message) {
    const retryAfter = res.headers.get('retry-after');
    throw new ApiError(code as ErrorCode, envelope.error.message, retryAfter ? { 'Retry-After': retryAfter } : {});
  }
  // Not the socket-host's envelope: a proxy or a platform in front of it answered (Railway's 502…).
  throw new ApiError('SOCKET_HOST_UNREACHABLE', `The socket-host at ${s.config.SOCKET_HOST_URL} answered ${res.status} without saying why; check its logs.`);
}

/** "connect ECONNREFUSED 127.0.0.1:8788" rather than fetch's bare "fetch failed". */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } })?.cause;
  return cause?.message ?? cause?.code ?? (err instanceof Error ? err.message : String(err));
}

async function listSessions(s: Services): Promise<Session[]> {
  const res = await relay(s, '/sessions');
  const { data } = (await res.json()) as { data: Session[] };
  return data;
}

async function sessionAfter(s: Services, id: string, action: 'start' | 'logout'): Promise<Session> {
  await relay(s, `/sessions/${id}/${action}`, {});
  const found = (await listSessions(s)).find((session) => session.id === id);
  if (!found) throw new ApiError('NOT_FOUND', `The socket-host holds no session "${id}".`);
  return found;
}

export function registerSessionRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listSessionsRoute, async (c) => c.json({ data: await listSessions(c.get('services')) }, 200));

  app.openapi(sessionQrRoute, async (c) => {
    const res = await relay(c.get('services'), `/sessions/${c.req.valid('param').id}/qr.png`);
    return c.body(await res.arrayBuffer(), 200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
  });

  app.openapi(pairingCodeRoute, async (c) => {
    const { phone } = c.req.valid('json');
    const res = await relay(c.get('services'), `/sessions/${c.req.valid('param').id}/pairing-code`, { phone: phone.replace(/^\+/, '') });
    return c.json((await res.json()) as { code: string }, 200);
  });

  app.openapi(restartSessionRoute, async (c) => c.json(await sessionAfter(c.get('services'), c.req.valid('param').id, 'start'), 200));

  app.openapi(logoutSessionRoute, async (c) => c.json(await sessionAfter(c.get('services'), c.req.valid('param').id, 'logout'), 200));
}
