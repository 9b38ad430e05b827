import { z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../../../drizzle/schema.ts';
import { ApiError } from '../../errors.ts';
import type { BaileysKey } from '../../outbound/read-receipts.ts';
import { socketHostCommand } from '../../outbound/socket-host-client.ts';
import type { Services } from '../../services.ts';
import { SESSION_ID } from '../schemas.ts';

/**
 * What the WhatsApp routes (whatsapp-*.ts) share: the session path parameter, the stored message or
 * conversation a call names, its Baileys key, and the signed command to the socket-host.
 */

export const WHATSAPP_TAG = 'WhatsApp';

export const WhatsAppSessionParams = z.object({
  id: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').openapi({ param: { name: 'id', in: 'path' }, example: 'default' }),
});

/** How every WhatsApp route says what happens when the number cannot do it right now. */
export const NOT_OPEN_NOTE =
  '409 `SESSION_NOT_OPEN` while the number is not connected (the message says its state); 503 `UNAVAILABLE` when another socket-host holds it or WhatsApp refused, `SOCKET_HOST_UNREACHABLE` when the socket-host cannot be reached.';

/** A command to the socket-host for one number (socket-host/commands.ts). */
export function whatsappCommand<T>(s: Services, sessionId: string, path: string, body?: unknown): Promise<T> {
  return socketHostCommand<T>(s, `/sessions/${encodeURIComponent(sessionId)}${path}`, body);
}

export async function conversationOr404(s: Services, id: string) {
  const [conversation] = await s.db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
  if (!conversation) throw new ApiError('NOT_FOUND', `No conversation with id ${id}.`);
  return conversation;
}

/** A stored message with its chat and Baileys key: the key is what WhatsApp knows the message by. */
export async function messageOr404(s: Services, id: string) {
  const [row] = await s.db
    .select({ message: messages, contactJid: conversations.contactJid })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(eq(messages.id, id))
    .limit(1);
  if (!row) throw new ApiError('NOT_FOUND', `No message with id ${id}.`);
  const key: BaileysKey = { remoteJid: row.contactJid, id: row.message.waMessageId, fromMe: row.message.direction === 'out' };
  return { message: row.message, key };
}

/** Only what this number sent can be edited or deleted for everyone, and only once it reached WhatsApp. */
export function assertOwnSentMessage(message: { id: string; direction: string; status: string; deletedAt: Date | null }, action: string): void {
  if (message.direction !== 'out') throw new ApiError('CONFLICT', `Message ${message.id} was sent by the customer: only messages this number sent can be ${action}.`);
  if (message.deletedAt) throw new ApiError('CONFLICT', `Message ${message.id} was deleted; it cannot be ${action}.`);
  if (!['sent', 'delivered', 'read', 'played'].includes(message.status)) {
    throw new ApiError('CONFLICT', `Message ${message.id} is ${message.status}, not sent: only a message WhatsApp has can be ${action}.`);
  }
}

export const WhatsAppDone = z
  .object({
    id: z.uuid().openapi({ description: 'The message it was about.' }),
    waMessageId: z.string().openapi({ description: 'What WhatsApp knows the change by (a reaction, an edit and a delete are messages too).' }),
  })
  .openapi('WhatsAppChange');
