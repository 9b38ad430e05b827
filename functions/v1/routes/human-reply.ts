import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { eq, sql } from 'drizzle-orm';
import { conversations } from '../../../drizzle/schema.ts';
import { loadSettings } from '../../agent/settings.ts';
import { ApiError } from '../../errors.ts';
import { keepOutboundMedia } from '../../media/outbound-media.ts';
import type { Services } from '../../services.ts';
import { emitWebhookEvent } from '../../webhooks/emit.ts';
import { guard } from '../auth.ts';
import { inBackground } from '../background.ts';
import type { V1Env } from '../env.ts';
import { sendIdempotently } from '../idempotent-send.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { limitPerContact } from '../rate-limit.ts';
import { HumanReplyBody, IdempotencyHeaders, IdParams, MessageAccepted } from '../schemas.ts';
import { sendApiMessage } from '../send-message.ts';

export const humanReplyRoute = createRoute({
  method: 'post',
  path: '/v1/conversations/{id}/messages',
  operationId: 'replyAsHuman',
  tags: ['Conversations'],
  summary: 'Reply as a person of the team',
  description:
    'Sends `text` (or `media`, with `text` as its caption) in this conversation as a human reply (author `human`), ' +
    'through the linked number’s throttle, and pauses the agent here for the agent’s humanPauseMinutes, as a reply ' +
    'typed on the phone does (a longer pause is kept; emits `conversation.paused` with `by: team`). Answers 202 at once.',
  ...guard(['conversations:write']),
  request: { params: IdParams, headers: IdempotencyHeaders, body: jsonBody(HumanReplyBody) },
  responses: {
    202: ok(MessageAccepted, 'Accepted for delivery.'),
    ...errors(400, 403, 404, 409, 413, 415, 503),
  },
});

export function registerHumanReplyRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(humanReplyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const s = c.get('services');
    const path = `/v1/conversations/${id}/messages`;
    const accepted = await sendIdempotently(c, path, body, c.req.valid('header')['idempotency-key'], async (waMessageId) => {
      const [conversation] = await s.db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
      if (!conversation) throw new ApiError('NOT_FOUND', `No conversation with id ${id}.`);
      await limitPerContact(c, s, conversation.sessionId, conversation.contactJid);
      const media = body.media ? await keepOutboundMedia(s, body.media) : undefined;
      const recipient = { jid: conversation.contactJid, phone: conversation.phone };
      const input = { sessionId: conversation.sessionId, text: body.text ?? '', media, author: 'human' as const, waMessageId };
      const sent = await sendApiMessage(s, input, recipient, (work) => inBackground(c, 'sending a human reply', work));
      await pauseForHuman(s, conversation, sent.id);
      return sent;
    });
    return c.json(accepted, 202);
  });
}

/**
 * A person answered: the agent keeps quiet for the humanPauseMinutes of the profile the conversation's
 * number answers with, from now, or longer if already paused longer.
 */
async function pauseForHuman(s: Services, { id: conversationId, sessionId }: { id: string; sessionId: string }, messageId: string): Promise<void> {
  const { humanPauseMinutes } = await loadSettings(s.db, sessionId);
  const until = sql`greatest(coalesce(${conversations.pausedUntil}, now()), now() + make_interval(mins => ${humanPauseMinutes}))`;
  const [row] = await s.db
    .update(conversations)
    .set({ pausedUntil: until })
    .where(eq(conversations.id, conversationId))
    .returning({ pausedUntil: conversations.pausedUntil });
  if (!row?.pausedUntil) return;
  await emitWebhookEvent(
    s,
    'conversation.paused',
    { conversationId, pausedUntil: row.pausedUntil.toISOString(), by: 'team' },
    { key: `human:${messageId}` },
  );
}
