import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { guard } from '../auth.ts';
import { inBackground } from '../background.ts';
import type { V1Env } from '../env.ts';
import { abandonIdempotent, beginIdempotent, finishIdempotent, requestFingerprint } from '../idempotency.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { limitPerContact } from '../rate-limit.ts';
import { IdempotencyHeaders, MessageAccepted, SendMessageBody } from '../schemas.ts';
import { idempotentWaMessageId, resolveRecipient, sendApiMessage } from '../send-message.ts';

export const sendMessageRoute = createRoute({
  method: 'post',
  path: '/v1/messages',
  operationId: 'sendMessage',
  tags: ['Messages'],
  summary: 'Send a WhatsApp message',
  description:
    'Stores the message in the recipient’s conversation (author `api`) and sends it through the linked number’s ' +
    'throttle. Answers 202 at once; follow the message with GET /v1/conversations/{id}/messages or webhooks. ' +
    'Also limited per recipient (API_RATE_LIMIT_PER_CONTACT).',
  ...guard(['messages:write']),
  request: { headers: IdempotencyHeaders, body: jsonBody(SendMessageBody) },
  responses: {
    202: ok(MessageAccepted, 'Accepted for delivery.'),
    ...errors(400, 403, 409, 413, 415),
  },
});

export function registerMessageRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(sendMessageRoute, async (c) => {
    const s = c.get('services');
    const body = c.req.valid('json');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    const scope = idempotencyKey ? { apiKeyId: c.get('apiKey').id, key: idempotencyKey } : undefined;

    if (scope) {
      const fingerprint = await requestFingerprint('POST', '/v1/messages', body);
      const begun = await beginIdempotent(s.db, scope, fingerprint);
      if (begun.kind === 'replay') {
        c.header('Idempotent-Replayed', 'true');
        return c.json(begun.body as { id: string; conversationId: string; status: 'queued' }, 202);
      }
      if (begun.kind === 'mismatch') {
        throw new ApiError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.');
      }
      if (begun.kind === 'in_progress') {
        throw new ApiError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly.', {
          'Retry-After': '1',
        });
      }
    }

    try {
      const recipient = await resolveRecipient(s.db, body.sessionId, body.to);
      await limitPerContact(c, s, body.sessionId, recipient.jid);
      const waMessageId = scope ? await idempotentWaMessageId(scope.apiKeyId, scope.key) : undefined;
      const accepted = await sendApiMessage(s, { ...body, waMessageId }, recipient, (work) =>
        inBackground(c, 'sending an API message', work),
      );
      if (scope) await finishIdempotent(s.db, scope, 202, accepted);
      return c.json(accepted, 202);
    } catch (err) {
      // Nothing to replay: let a retry with the same key do the work again.
      if (scope) await abandonIdempotent(s.db, scope).catch(() => {});
      throw err;
    }
  });
}
