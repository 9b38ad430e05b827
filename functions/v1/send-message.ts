import { and, desc, eq, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { deliver } from '../outbound/deliver.ts';
import { newWaMessageId } from '../outbound/wa-message-id.ts';
import type { Services } from '../services.ts';

export type ApiMessageInput = {
  sessionId: string;
  /** Phone digits (optional +) or a chat JID, as validated by the route. */
  to: string;
  text: string;
  /** A fixed WhatsApp id makes the store idempotent (a retried Idempotency-Key request). */
  waMessageId?: string;
};

export type StoredApiMessage = typeof messages.$inferSelect & { contactJid: string };

/**
 * The chat a message to `to` goes to. A phone number goes to the conversation already known for it
 * (whose chat id may be the customer's LID), else to `<digits>@s.whatsapp.net`.
 */
export async function resolveRecipient(db: Db, sessionId: string, to: string): Promise<{ jid: string; phone: string | null }> {
  if (to.includes('@')) {
    const phone = to.endsWith('@s.whatsapp.net') ? to.slice(0, to.indexOf('@')) : null;
    return { jid: to, phone: phone && /^\d+$/.test(phone) ? phone : null };
  }
  const phone = to.replace(/^\+/, '');
  const [known] = await db
    .select({ jid: conversations.contactJid })
    .from(conversations)
    .where(and(eq(conversations.sessionId, sessionId), eq(conversations.phone, phone)))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(1);
  return { jid: known?.jid ?? `${phone}@s.whatsapp.net`, phone };
}

/**
 * Stores an API message (author 'api', status 'queued') in its conversation, creating the conversation
 * if needed, in one round trip. With the same `waMessageId` a second call returns the stored row.
 * Sending is the caller's next step, through outbound/deliver.ts like every other outbound message.
 */
export async function storeApiMessage(db: Db, input: ApiMessageInput, recipient: { jid: string; phone: string | null }) {
  const waMessageId = input.waMessageId ?? newWaMessageId();
  const [, , stored] = await db.batch([
    db
      .insert(conversations)
      .values({ sessionId: input.sessionId, contactJid: recipient.jid, phone: recipient.phone })
      .onConflictDoUpdate({
        target: [conversations.sessionId, conversations.contactJid],
        set: { phone: sql`coalesce(${conversations.phone}, excluded.phone)`, lastMessageAt: sql`now()` },
      }),
    db
      .insert(messages)
      .values({
        conversationId: sql`(select id from ${conversations} where ${conversations.sessionId} = ${input.sessionId} and ${conversations.contactJid} = ${recipient.jid})`,
        sessionId: input.sessionId,
        waMessageId,
        direction: 'out',
        author: 'api',
        text: input.text,
        status: 'queued',
      })
      .onConflictDoNothing({ target: [messages.sessionId, messages.waMessageId] }),
    db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, input.sessionId), eq(messages.waMessageId, waMessageId)))
      .limit(1),
  ]);
  return stored[0]!;
}

/** A WhatsApp id derived from (API key, Idempotency-Key), in Baileys' shape: a retry stores and sends the same message. */
export async function idempotentWaMessageId(apiKeyId: string, idempotencyKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${apiKeyId}\n${idempotencyKey}`));
  const hex = [...new Uint8Array(digest).slice(0, 9)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `3EB0${hex.toUpperCase()}`;
}

/**
 * POST /v1/messages without HTTP: store the message, then hand its delivery to `defer` (the send waits
 * for the socket-host's per-number throttle and typing pause, which the caller should not wait for).
 * A redelivered request whose message is already past 'queued' is not sent again.
 */
export async function sendApiMessage(
  s: Services,
  input: ApiMessageInput,
  recipient: { jid: string; phone: string | null },
  defer: (work: Promise<unknown>) => void,
): Promise<{ id: string; conversationId: string; status: 'queued' }> {
  const stored = await storeApiMessage(s.db, input, recipient);
  if (stored.status === 'queued') {
    defer(deliver(s, { sessionId: input.sessionId, to: recipient.jid, messageIds: [stored.id] }, [stored]));
  }
  return { id: stored.id, conversationId: stored.conversationId, status: 'queued' };
}
