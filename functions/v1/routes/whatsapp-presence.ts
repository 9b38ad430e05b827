import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, noContent } from '../openapi.ts';
import { IdParams } from '../schemas.ts';
import { conversationOr404, NOT_OPEN_NOTE, whatsappCommand, WHATSAPP_TAG } from './whatsapp-common.ts';

const PresenceBody = z
  .strictObject({
    presence: z.enum(['composing', 'recording', 'paused']).openapi({
      description: '`composing` shows “typing…”, `recording` “recording audio…”, `paused` clears either. WhatsApp clears it by itself after about 25 seconds.',
      example: 'composing',
    }),
  })
  .openapi('Presence');

export const presenceRoute = createRoute({
  method: 'post',
  path: '/v1/conversations/{id}/presence',
  operationId: 'sendPresence',
  tags: [WHATSAPP_TAG],
  summary: 'Show “typing…” or “recording audio…” in a conversation',
  description: `Baileys \`sendPresenceUpdate(presence, chat)\`. Replies sent through the API already show typing before they go; this is for an integration that composes its own. ${NOT_OPEN_NOTE}`,
  ...guard(['messages:write']),
  request: { params: IdParams, body: jsonBody(PresenceBody) },
  responses: { 204: noContent, ...errors(400, 403, 404, 409, 413, 415, 503) },
});

export function registerPresenceRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(presenceRoute, async (c) => {
    const s = c.get('services');
    const conversation = await conversationOr404(s, c.req.valid('param').id);
    await whatsappCommand(s, conversation.sessionId, '/presence', { jid: conversation.contactJid, presence: c.req.valid('json').presence });
    return c.body(null, 204);
  });
}
