import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { keepOutboundMedia } from '../../media/outbound-media.ts';
import { guard } from '../auth.ts';
import { inBackground } from '../background.ts';
import type { V1Env } from '../env.ts';
import { sendIdempotently } from '../idempotent-send.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { limitPerContact } from '../rate-limit.ts';
import { IdempotencyHeaders, MessageAccepted, SendMessageBody } from '../schemas.ts';
import { resolveRecipient, sendApiMessage } from '../send-message.ts';

export const sendMessageRoute = createRoute({
  method: 'post',
  path: '/v1/messages',
  operationId: 'sendMessage',
  tags: ['Messages'],
  summary: 'Send a WhatsApp message or file',
  description:
    'Stores the message in the recipient’s conversation (author `api`) and sends it through the linked number’s ' +
    'throttle. Answers 202 at once; follow the message with GET /v1/conversations/{id}/messages or webhooks. ' +
    'With `media`, a file (image, audio, voice note, video, document; base64 or an https URL, fetched once) is sent ' +
    'with `text` as its caption: a bad file is a 400 naming the field, one over MEDIA_MAX_BYTES a 413. ' +
    'Also limited per recipient (API_RATE_LIMIT_PER_CONTACT).',
  ...guard(['messages:write']),
  request: { headers: IdempotencyHeaders, body: jsonBody(SendMessageBody) },
  responses: {
    202: ok(MessageAccepted, 'Accepted for delivery.'),
    ...errors(400, 403, 409, 413, 415, 503),
  },
});

export function registerMessageRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(sendMessageRoute, async (c) => {
    const s = c.get('services');
    const body = c.req.valid('json');
    const accepted = await sendIdempotently(c, '/v1/messages', body, c.req.valid('header')['idempotency-key'], async (waMessageId) => {
      const recipient = await resolveRecipient(s.db, body.sessionId, body.to);
      await limitPerContact(c, s, body.sessionId, recipient.jid);
      const media = body.media ? await keepOutboundMedia(s, body.media) : undefined;
      const input = { sessionId: body.sessionId, text: body.text ?? '', media, waMessageId };
      return await sendApiMessage(s, input, recipient, (work) => inBackground(c, 'sending an API message', work));
    });
    return c.json(accepted, 202);
  });
}
