import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { IdParams } from '../schemas.ts';
import { assertOwnSentMessage, messageOr404, NOT_OPEN_NOTE, WhatsAppDone, whatsappCommand, WHATSAPP_TAG } from './whatsapp-common.ts';

const EditBody = z
  .strictObject({
    text: z
      .string()
      .min(1, { abort: true })
      .max(4096)
      .refine((t) => t.trim().length > 0, 'must not be blank')
      .openapi({ description: 'The new text, 1–4096 characters.', example: 'Your order 1042 ships tomorrow.' }),
  })
  .openapi('EditMessage');

const CHANGE_NOTE =
  'Only a message this number sent and WhatsApp has (status `sent` or later) can be changed, else 409 `CONFLICT`; WhatsApp itself allows it for about 15 minutes (edit) or 2 days (delete) and ignores it later. ' +
  'The stored message changes once WhatsApp echoes it back (`editedAt`/`deletedAt`, and a `message.updated` webhook). ';

export const editMessageRoute = createRoute({
  method: 'post',
  path: '/v1/messages/{id}/edit',
  operationId: 'editMessage',
  tags: [WHATSAPP_TAG],
  summary: 'Edit a text message this number sent',
  description: `Baileys \`sendMessage(chat, { text, edit: key })\`, through the number’s send throttle. ${CHANGE_NOTE}${NOT_OPEN_NOTE}`,
  ...guard(['messages:write']),
  request: { params: IdParams, body: jsonBody(EditBody) },
  responses: { 200: ok(WhatsAppDone, 'Sent to WhatsApp.'), ...errors(400, 403, 404, 409, 413, 415, 503) },
});

export const deleteMessageRoute = createRoute({
  method: 'delete',
  path: '/v1/messages/{id}',
  operationId: 'deleteMessageForEveryone',
  tags: [WHATSAPP_TAG],
  summary: 'Delete a message this number sent, for everyone',
  description: `Baileys \`sendMessage(chat, { delete: key })\`: the customer’s phone shows “This message was deleted”. ${CHANGE_NOTE}${NOT_OPEN_NOTE}`,
  ...guard(['messages:write']),
  request: { params: IdParams },
  responses: { 200: ok(WhatsAppDone, 'Sent to WhatsApp.'), ...errors(400, 403, 404, 409, 503) },
});

export function registerEditRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(editMessageRoute, async (c) => {
    const s = c.get('services');
    const { message, key } = await messageOr404(s, c.req.valid('param').id);
    assertOwnSentMessage(message, 'edited');
    if (message.type !== 'text') throw new ApiError('CONFLICT', `Message ${message.id} is of type ${message.type}: only text messages can be edited.`);
    const content = { text: c.req.valid('json').text, edit: key };
    const sent = await whatsappCommand<{ waMessageId: string }>(s, message.sessionId, '/messages', { jid: key.remoteJid, content });
    return c.json({ id: message.id, waMessageId: sent.waMessageId }, 200);
  });

  app.openapi(deleteMessageRoute, async (c) => {
    const s = c.get('services');
    const { message, key } = await messageOr404(s, c.req.valid('param').id);
    assertOwnSentMessage(message, 'deleted');
    const sent = await whatsappCommand<{ waMessageId: string }>(s, message.sessionId, '/messages', { jid: key.remoteJid, content: { delete: key } });
    return c.json({ id: message.id, waMessageId: sent.waMessageId }, 200);
  });
}
