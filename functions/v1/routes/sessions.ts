import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { addNumber, hostSessions, relay, removeNumber, withNames } from '../numbers.ts';
import { errors, jsonBody, noContent, ok } from '../openapi.ts';
import { AgentUpdate, SESSION_ID } from '../schemas.ts';

/**
 * The WhatsApp numbers from anywhere: the socket-host answers only signed requests, so an admin key
 * adds and removes numbers, and reaches their QR codes, pairing codes, restart and logout, through here.
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
    name: z.string().nullable().openapi({ description: 'What the team calls the number, given when it was added.', example: 'Sales' }),
    addedAt: z.string().nullable().openapi({
      format: 'date-time',
      description: 'When it was added through `POST /v1/sessions`; null for a number from `WA_SESSIONS` (remove those there, not through the API).',
    }),
  })
  .openapi('Session', { description: 'A WhatsApp number the socket-host holds, and its link state.' });
type Session = z.infer<typeof SessionSchema>;

const NewSessionBody = z
  .strictObject({
    id: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').openapi({
      description: 'How the API names the number from now on (`sessionId` in messages, `/v1/sessions/{id}`, `PUT /v1/agent?sessionId=`).',
      example: 'sales',
    }),
    name: z.string().trim().min(1).max(100).optional().openapi({ description: 'What the team calls it.', example: 'Sales' }),
    agent: AgentUpdate.optional().openapi({ description: 'Its own agent profile, as `PUT /v1/agent?sessionId=` takes it; without it the number answers with the default profile.' }),
  })
  .openapi('NewSession');

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

export const addSessionRoute = createRoute({
  method: 'post',
  path: '/v1/sessions',
  operationId: 'addSession',
  tags: ['Sessions'],
  summary: 'Add a number',
  description:
    'The socket-host holds it at once (no restart) and every time it starts; link it next with its QR code or a pairing code. ' +
    '409 `CONFLICT` when the id is taken (a number from `WA_SESSIONS` included); 503 `SOCKET_HOST_UNREACHABLE` adds nothing.',
  ...guard(['keys:admin']),
  request: { body: jsonBody(NewSessionBody) },
  responses: { 201: ok(SessionSchema, 'The number, connecting.'), ...errors(400, 403, 409, 413, 415, 503) },
});

export const removeSessionRoute = createRoute({
  method: 'delete',
  path: '/v1/sessions/{id}',
  operationId: 'removeSession',
  tags: ['Sessions'],
  summary: 'Remove a number',
  description:
    'Logs it out (it leaves the phone’s Linked devices), closes its socket, and erases its link (auth state) and its own agent profile; its conversations stay. ' +
    'A number from `WA_SESSIONS` is refused with 409 `CONFLICT`: remove it there.',
  ...guard(['keys:admin']),
  request: { params: SessionParams },
  responses: { 204: noContent, ...errors(400, 403, 404, 409, 503) },
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

async function listSessions(s: Services): Promise<Session[]> {
  return await withNames(s, await hostSessions(s));
}

async function sessionAfter(s: Services, id: string, action: 'start' | 'logout'): Promise<Session> {
  await relay(s, `/sessions/${id}/${action}`, {});
  const found = (await listSessions(s)).find((session) => session.id === id);
  if (!found) throw new ApiError('NOT_FOUND', `The socket-host holds no session "${id}".`);
  return found;
}

export function registerSessionRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listSessionsRoute, async (c) => c.json({ data: await listSessions(c.get('services')) }, 200));

  app.openapi(addSessionRoute, async (c) => c.json(await addNumber(c.get('services'), c.req.valid('json')), 201));

  app.openapi(removeSessionRoute, async (c) => {
    await removeNumber(c.get('services'), c.req.valid('param').id);
    return c.body(null, 204);
  });

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
