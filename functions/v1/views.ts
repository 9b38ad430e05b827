import { z } from '@hono/zod-openapi';
import type { conversations, messages } from '../../drizzle/schema.ts';

/** The public shapes of stored rows: the API answers and the webhook events use the same ones. */

export const MessageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    direction: z.enum(['in', 'out']).openapi({ description: '`in` from the customer, `out` to the customer.' }),
    author: z
      .enum(['customer', 'agent', 'human', 'api'])
      .openapi({ description: 'Who wrote it: the customer, the AI agent, a person on the team’s phone, or an API client.' }),
    text: z.string(),
    status: z.string().openapi({
      description: 'Inbound: `received`. Outbound: `queued`, `sent`, `delivered`, `read`, `played` or `failed`.',
      example: 'sent',
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi('Message');

export type PublicMessage = z.infer<typeof MessageSchema>;

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    sessionId: z.string().openapi({ description: 'The linked WhatsApp number (socket-host session).', example: 'default' }),
    contactJid: z.string().openapi({ description: 'The customer’s WhatsApp chat id.', example: '4915112345678@s.whatsapp.net' }),
    phone: z.string().nullable().openapi({ description: 'The customer’s phone number (digits), when known.', example: '4915112345678' }),
    name: z.string().nullable().openapi({ description: 'The customer’s WhatsApp display name, when known.' }),
    paused: z.boolean().openapi({ description: 'True while a human has taken over and the agent stays silent.' }),
    pausedUntil: z.iso.datetime().nullable(),
    lastMessageAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Conversation');

export type PublicConversation = z.infer<typeof ConversationSchema>;

type MessageRow = Pick<typeof messages.$inferSelect, 'id' | 'conversationId' | 'direction' | 'author' | 'text' | 'status' | 'createdAt'>;
type ConversationRow = Pick<
  typeof conversations.$inferSelect,
  'id' | 'sessionId' | 'contactJid' | 'phone' | 'name' | 'pausedUntil' | 'lastMessageAt' | 'createdAt'
>;

export function toPublicMessage(row: MessageRow): PublicMessage {
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    author: row.author,
    text: row.text,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toPublicConversation(row: ConversationRow, now = Date.now()): PublicConversation {
  return {
    id: row.id,
    sessionId: row.sessionId,
    contactJid: row.contactJid,
    phone: row.phone,
    name: row.name,
    paused: row.pausedUntil !== null && row.pausedUntil.getTime() > now,
    pausedUntil: row.pausedUntil?.toISOString() ?? null,
    lastMessageAt: row.lastMessageAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
