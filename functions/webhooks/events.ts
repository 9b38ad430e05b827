import { z } from '@hono/zod-openapi';
import { MessageSchema } from '../v1/views.ts';

/**
 * The webhook events and the `data` of each. Every delivery body is
 * `{"type": <event>, "timestamp": <ISO 8601>, "data": <below>}` (the Standard Webhooks payload shape);
 * docs/webhooks.md and the OpenAPI document's `webhooks` are written from these schemas.
 */
export const WEBHOOK_EVENTS = [
  'message.received',
  'message.updated',
  'message.sent',
  'message.status',
  'conversation.paused',
  'conversation.resumed',
  'conversation.handoff',
  'session.status',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

const contact = z.object({
  jid: z.string().openapi({ example: '4915112345678@s.whatsapp.net' }),
  phone: z.string().nullable().openapi({ example: '4915112345678' }),
  name: z.string().nullable(),
});

export const WEBHOOK_EVENT_DATA = {
  'message.received': z
    .object({ sessionId: z.string(), conversationId: z.uuid(), message: MessageSchema, contact })
    .openapi('MessageReceivedData', { description: 'A customer’s message was stored (once per WhatsApp message).' }),
  'message.updated': z
    .object({
      sessionId: z.string(),
      conversationId: z.uuid(),
      change: z
        .enum(['reaction', 'edit', 'delete'])
        .openapi({ description: 'A reaction given, replaced or taken back; an edit of its text; a delete for everyone.' }),
      /** The message as it is after the change. */
      message: MessageSchema,
    })
    .openapi('MessageUpdatedData', {
      description: 'A reaction, an edit or a delete (by the customer, or by the team on the phone) changed a stored message; once per change.',
    }),
  'message.sent': z
    .object({ sessionId: z.string(), conversationId: z.uuid(), message: MessageSchema, to: z.string() })
    .openapi('MessageSentData', { description: 'WhatsApp accepted an outbound message (agent reply or API message).' }),
  'message.status': z
    .object({
      sessionId: z.string(),
      conversationId: z.uuid().nullable(),
      messageId: z.uuid().nullable().openapi({ description: 'Our message id, when the message is one we stored.' }),
      waMessageId: z.string(),
      status: z.enum(['pending', 'sent', 'delivered', 'read', 'played', 'failed']),
      error: z.string().nullable(),
    })
    .openapi('MessageStatusData', { description: 'WhatsApp reported a delivery status for an outbound message.' }),
  'conversation.paused': z
    .object({
      conversationId: z.uuid(),
      pausedUntil: z.iso.datetime(),
      by: z.enum(['api', 'team']).openapi({ description: '`api`: POST …/pause; `team`: someone answered from the phone or with POST …/messages.' }),
    })
    .openapi('ConversationPausedData', { description: 'Human takeover: the agent stays silent in this conversation until `pausedUntil`.' }),
  'conversation.resumed': z
    .object({ conversationId: z.uuid(), by: z.enum(['api']) })
    .openapi('ConversationResumedData', { description: 'The agent answers in this conversation again.' }),
  'conversation.handoff': z
    .object({
      sessionId: z.string(),
      conversationId: z.uuid(),
      reason: z.string().nullable().openapi({ description: 'Why the agent handed off, in its own words (may be null).' }),
      pausedUntil: z.iso.datetime().openapi({ description: 'The agent stays silent until then, or until POST …/resume.' }),
      contact,
    })
    .openapi('ConversationHandoffData', {
      description:
        'The agent handed the customer to a person (its handoff_to_human tool): the conversation is paused and needs a human; once per handoff.',
    }),
  'session.status': z
    .object({
      sessionId: z.string(),
      status: z.enum(['not_linked', 'connecting', 'qr', 'open', 'reconnecting', 'logged_out', 'replaced', 'stopped']),
      reason: z.string().nullable(),
      phone: z.string().nullable(),
    })
    .openapi('SessionStatusData', { description: 'The link state of a WhatsApp number changed.' }),
} satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookEventData = { [T in WebhookEventType]: z.input<(typeof WEBHOOK_EVENT_DATA)[T]> };

/** The body of one delivery, as signed and sent. */
export function webhookEnvelope(type: WebhookEventType, at: Date, data: unknown) {
  return { type, timestamp: at.toISOString(), data };
}
