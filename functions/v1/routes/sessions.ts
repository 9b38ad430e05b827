import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { callSocketHost } from '../../outbound/socket-host-client.ts';
import type { Services } from '../../services.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { SESSION_ID } from '../schemas.ts';

/**
 * Linking a WhatsApp number from anywhere: the socket-host answers only signed requests, so an admin
 * key reaches its QR code and pairing codes through here.
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
  })
  .openapi('Session', { description: 'A WhatsApp number the socket-host holds, and its link state.' });

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
  description: 'Present only while the session waits to be linked; a new code replaces it about every 20 seconds.',
  ...guard(['keys:admin']),
  request: { params: SessionParams },
  responses: {
    200: { description: 'The QR code as a PNG image.', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errors(400, 403, 404, 503),
  },
});

export const pairingCodeRoute = createRoute({
  method: 'post',
  path: '/v1/sessions/{id}/pairing-code',
  operationId: 'requestPairingCode',
  tags: ['Sessions'],
  summary: 'Link by phone number instead of a QR code',
  description: 'Enter the code in WhatsApp → Linked devices → Link with phone number.',
  ...guard(['keys:admin']),
  request: { params: SessionParams, body: jsonBody(PairingBody) },
  responses: { 200: ok(z.object({ code: z.string() }).openapi('PairingCode'), 'The pairing code.'), ...errors(400, 403, 404, 409, 413, 415, 503) },
});

/** Calls the socket-host; its own 4xx answers (unknown session, already linked) pass through. */
async function relay(s: Services, path: string, body?: unknown): Promise<Response> {
  const res = await callSocketHost(s, path, body, 15_000).catch(() => undefined);
  if (!res || res.status >= 500) throw new ApiError('UNAVAILABLE', 'The socket-host is not reachable right now; retry in a moment.');
  if (res.status === 404) throw new ApiError('NOT_FOUND', 'No such session, or no QR code to show right now.');
  if (res.status === 409) throw new ApiError('CONFLICT', 'This number is already linked.');
  if (!res.ok) throw new ApiError('BAD_REQUEST', `The socket-host refused the request (${res.status}).`);
  return res;
}

export function registerSessionRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(listSessionsRoute, async (c) => {
    // The signed details: the public /health leaves out phone numbers and reasons.
    const res = await callSocketHost(c.get('services'), '/health/details', undefined, 5000).catch(() => undefined);
    if (!res?.ok) throw new ApiError('UNAVAILABLE', 'The socket-host is not reachable right now; retry in a moment.');
    const { sessions } = (await res.json()) as { sessions: z.infer<typeof SessionSchema>[] };
    return c.json({ data: sessions }, 200);
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
}
