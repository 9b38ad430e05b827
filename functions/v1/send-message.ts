import { and, desc, eq, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { KeptOutboundMedia } from '../media/outbound-media.ts';
import type { Db } from '../../shared/db.ts';
import type { ContactCard, Location } from '../../shared/contracts/wa-event.ts';
import { deliver } from '../outbound/deliver.ts';
import { newWaMessageId } from '../outbound/wa-message-id.ts';
import type { Services } from '../services.ts';
import { phoneJid } from '../pipeline/conversation-identity.ts';

export type ApiMessageInput = {
  sessionId: string;
  /** The message, or the caption of `media` ('' for none). */
  text: string;
  /** A file already kept in the media bucket (media/outbound-media.ts). */
  media?: KeptOutboundMedia;
  /** `api` for POST /v1/messages, `human` for a person of the team replying in the console. */
  author?: 'api' | 'human';
  /** A fixed WhatsApp id makes the store idempotent (a retried Idempotency-Key request). */
  waMessageId?: string;
  /** A location or contact cards shared through the API (sent directly, not through the send queue). */
  location?: Location;
  contacts?: ContactCard[];
};

export type StoredApiMessage = typeof messages.$inferSelect & { contactJid: string };

/**
 * The chat a message to `to` goes to. A phone number (digits, or its `@s.whatsapp.net` JID) goes to
 * the conversation already known for it — keyed on the customer's LID once WhatsApp has named them by
 * it (pipeline/conversation-identity.ts), so that the message joins that conversation — else to
 * `<digits>@s.whatsapp.net`. Any other JID (a LID, a group) is used as given.
 */
export async function resolveRecipient(db: Db, sessionId: string, to: string): Promise<{ jid: string; phone: string | null }> {
  const pnUser = to.endsWith('@s.whatsapp.net') ? to.slice(0, to.indexOf('@')) : null;
  if (to.includes('@') && !(pnUser && /^\d+$/.test(pnUser))) return { jid: to, phone: null };
  const phone = pnUser ?? to.replace(/^\+/, '');
  const [known] = await db
    .select({ jid: conversations.contactJid })
    .from(conversations)
    .where(and(eq(conversations.sessionId, sessionId), eq(conversations.phone, phone)))
    // The LID-keyed one first: it is the customer's conversation from now on.
    .orderBy(desc(sql`${conversations.contactJid} like '%lid'`), desc(conversations.lastMessageAt))
    .limit(1);
  return { jid: known?.jid ?? phoneJid(phone), phone };
}

/**
 * Stores an API or human message (status 'queued') in its conversation, creating the conversation
 * if needed, in one round trip. With the same `waMessageId` a second call returns the stored row (and
 * the file this call kept is let go: the first one's is the message's).
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
        author: input.author ?? 'api',
        type: input.media?.type ?? (input.location ? 'location' : input.contacts ? 'contact' : 'text'),
        text: input.text,
        media: input.media?.media ?? null,
        location: input.location ?? null,
        contacts: input.contacts ?? null,
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
  let stored: Awaited<ReturnType<typeof storeApiMessage>>;
  try {
    stored = await storeApiMessage(s.db, input, recipient);
  } catch (err) {
    // Nothing is kept half-way: a file whose message could not be stored goes too.
    if (input.media) await s.media?.delete(input.media.key).catch(() => {});
    throw err;
  }
  // A retried request stored nothing new: the file kept for it is not the message's.
  if (input.media && stored.media?.stored?.key !== input.media.key) await s.media?.delete(input.media.key);
  if (stored.status === 'queued') {
    defer(deliver(s, { sessionId: input.sessionId, to: recipient.jid, messageIds: [stored.id] }, [stored]));
  }
  return { id: stored.id, conversationId: stored.conversationId, status: 'queued' };
}
