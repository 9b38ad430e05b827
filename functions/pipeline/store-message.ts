import { and, eq, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import type { MessageFromTeam, MessageReceived } from '../../shared/contracts/wa-event.ts';
import { contactKey, conversationIdOf, mergeQueries } from './conversation-identity.ts';

export type StoredMessage = typeof messages.$inferSelect;
export type StoredConversation = { id: string; pausedUntil: Date | null };

/**
 * Stores a WhatsApp message idempotently in one round trip: upsert the conversation, insert the
 * message unless its WhatsApp id is already stored, read back the stored row. `duplicate` tells a
 * redelivery apart from the first delivery. A message typed by the team on the phone also pauses the
 * agent, counted from the message's own time so that a redelivery does not extend the pause.
 */
export async function storeMessage(
  db: Db,
  event: MessageReceived | MessageFromTeam,
  pauseMinutes: number,
): Promise<{ conversation: StoredConversation; message: StoredMessage; duplicate: boolean }> {
  return readStored(await db.batch(storeQueries(db, event, pauseMinutes)));
}

/**
 * The statements of storeMessage, for a caller that runs more in the same round trip: later
 * statements of the batch find the conversation and the message through storedIds. The first two
 * re-key or merge the customer's conversation when the event maps their LID to their phone
 * (conversation-identity.ts); the upsert then finds it under the LID, or by phone for a phone-only event.
 */
export function storeQueries(db: Db, event: MessageReceived | MessageFromTeam, pauseMinutes: number) {
  const fromTeam = event.type === 'message.from_team';
  const sentAt = new Date(event.timestamp * 1000);
  const pauseUntil = new Date(sentAt.getTime() + pauseMinutes * 60_000);
  const pushName = event.type === 'message.received' ? event.pushName : null;
  const ids = storedIds(event);

  return [
    ...mergeQueries(db, event),
    db
      .insert(conversations)
      .values({
        sessionId: event.sessionId,
        contactJid: contactKey(event),
        phone: event.phone,
        name: pushName,
        pausedUntil: fromTeam ? pauseUntil : null,
      })
      .onConflictDoUpdate({
        target: [conversations.sessionId, conversations.contactJid],
        set: {
          phone: sql`coalesce(excluded.phone, ${conversations.phone})`,
          name: sql`coalesce(excluded.name, ${conversations.name})`,
          lastMessageAt: sql`now()`,
          ...(fromTeam ? { pausedUntil: sql`greatest(${conversations.pausedUntil}, excluded.paused_until)` } : {}),
        },
      })
      .returning({ id: conversations.id, pausedUntil: conversations.pausedUntil }),
    db
      .insert(messages)
      .values({
        conversationId: ids.conversationId,
        sessionId: event.sessionId,
        waMessageId: event.waMessageId,
        direction: fromTeam ? 'out' : 'in',
        author: fromTeam ? 'human' : 'customer',
        text: event.text,
        type: event.messageType,
        media: event.media,
        location: event.location,
        contacts: event.contacts,
        status: fromTeam ? 'sent' : 'received',
        // When the socket-host saw it (microseconds): the queue stores a burst in any order, and the
        // burst window and the model's history follow the customer's order, not the storage order.
        createdAt: sql`${event.at}::timestamptz`,
      })
      .onConflictDoNothing({ target: [messages.sessionId, messages.waMessageId] })
      .returning({ id: messages.id }),
    db
      .select()
      .from(messages)
      .where(and(eq(messages.sessionId, event.sessionId), eq(messages.waMessageId, event.waMessageId)))
      .limit(1),
  ] as const;
}

/** The event's conversation and message as subqueries: valid in the same batch, after storeQueries. */
export function storedIds(event: { sessionId: string; chatJid: string; phone: string | null; waMessageId: string }) {
  return {
    conversationId: conversationIdOf(event),
    messageId: sql<string>`(select id from ${messages} where ${messages.sessionId} = ${event.sessionId} and ${messages.waMessageId} = ${event.waMessageId})`,
  };
}

/** What storeQueries' statements returned. `duplicate`: the message was stored before. */
export function readStored([, , upserted, inserted, stored]: readonly [unknown, unknown, StoredConversation[], { id: string }[], StoredMessage[]]) {
  return { conversation: upserted[0]!, message: stored[0]!, duplicate: inserted.length === 0 };
}
