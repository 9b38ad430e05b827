import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { IdParams } from '../schemas.ts';
import { messageOr404, NOT_OPEN_NOTE, WhatsAppDone, whatsappCommand, WHATSAPP_TAG } from './whatsapp-common.ts';

/** One emoji (a grapheme: flags, skin tones and ZWJ sequences included), or '' to take the reaction back. */
const oneEmoji = (text: string) => text === '' || (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(text) && [...new Intl.Segmenter().segment(text)].length === 1);

const ReactionBody = z
  .strictObject({
    emoji: z
      .string()
      .max(32)
      .refine(oneEmoji, 'must be one emoji, or empty to remove the reaction')
      .openapi({ description: 'One emoji; an empty string removes this number’s reaction.', example: '👍' }),
  })
  .openapi('Reaction');

export const reactRoute = createRoute({
  method: 'post',
  path: '/v1/messages/{id}/reaction',
  operationId: 'reactToMessage',
  tags: [WHATSAPP_TAG],
  summary: 'React to a message with an emoji (or remove the reaction)',
  description:
    'Baileys `sendMessage(chat, { react: { text, key } })`, through the number’s send throttle. The message’s `reactions` show it once WhatsApp echoes it back ' +
    `(a \`message.updated\` webhook follows). ${NOT_OPEN_NOTE}`,
  ...guard(['messages:write']),
  request: { params: IdParams, body: jsonBody(ReactionBody) },
  responses: { 200: ok(WhatsAppDone, 'Sent to WhatsApp.'), ...errors(400, 403, 404, 409, 413, 415, 503) },
});

export function registerReactionRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(reactRoute, async (c) => {
    const s = c.get('services');
    const { message, key } = await messageOr404(s, c.req.valid('param').id);
    if (message.deletedAt) throw new ApiError('CONFLICT', `Message ${message.id} was deleted; it cannot be reacted to.`);
    // WhatsApp names a group member's message by its author too, which is not stored: a key without it would miss.
    if (!key.fromMe && key.remoteJid.endsWith('@g.us')) {
      throw new ApiError('CONFLICT', `Message ${message.id} was written by a group member; reactions are supported in direct chats and on this number’s own messages.`);
    }
    const content = { react: { key, text: c.req.valid('json').emoji } };
    const sent = await whatsappCommand<{ waMessageId: string }>(s, message.sessionId, '/messages', { jid: key.remoteJid, content });
    return c.json({ id: message.id, waMessageId: sent.waMessageId }, 200);
  });
}
