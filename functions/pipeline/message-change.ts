import { and, eq, inArray, sql } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import type { MessageChange, MessageFromTeam, MessageReceived } from '../../shared/contracts/wa-event.ts';
import type { Services } from '../services.ts';
import { conversationIdOf } from './conversation-identity.ts';
import { toPublicMessage } from '../v1/views.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';

type MessageRow = typeof messages.$inferSelect;

export type ChangeEvent = (MessageReceived | MessageFromTeam) & { change: MessageChange };

export const isChange = (event: MessageReceived | MessageFromTeam): event is ChangeEvent => event.change !== undefined;

/** Why a reply to a deleted message was not sent, as its row's error says. */
export const DELETED_TRIGGER = 'the customer deleted the message this reply answers';

/**
 * A reaction, an edit or a delete changes the message it names, in one round trip; it adds no row and
 * gets no reply. Applying one twice changes nothing more (the queue may redeliver it). Only a message
 * of the same chat is touched, and only its author may edit or delete it. A delete also stops the
 * replies to it that were written but not yet handed to WhatsApp. Returns the changed message as it
 * is now, or undefined when no message matches (not stored yet, another chat, not the author's).
 */
export async function applyChange(db: Db, event: ChangeEvent): Promise<MessageRow | undefined> {
  const { change } = event;
  const from = event.type === 'message.received' ? 'customer' : 'team';
  // The customer's conversation even when the change names them by phone and it is keyed on their LID.
  const conversation = conversationIdOf(event);
  const target = and(
    eq(messages.sessionId, event.sessionId),
    eq(messages.waMessageId, change.targetWaMessageId),
    eq(messages.conversationId, conversation),
  );
  const own = and(target, eq(messages.direction, from === 'customer' ? 'in' : 'out'));

  if (change.action === 'reaction') {
    const emoji = change.emoji ?? '';
    // One reaction per person: a new one replaces theirs, an empty one takes it back.
    const others = sql`(select coalesce(jsonb_agg(r), '[]'::jsonb) from jsonb_array_elements(coalesce(${messages.reactions}, '[]'::jsonb)) r where r->>'from' <> ${from})`;
    const mine = emoji ? sql`jsonb_build_array(jsonb_build_object('emoji', ${emoji}::text, 'from', ${from}::text))` : sql`'[]'::jsonb`;
    const rows = await db
      .update(messages)
      .set({ reactions: sql`${others} || ${mine}`, updatedAt: sql`now()` })
      .where(target)
      .returning();
    return rows[0];
  }
  if (change.action === 'edit') {
    const rows = await db
      .update(messages)
      .set({ text: event.text, editedAt: sql`to_timestamp(${event.timestamp})`, updatedAt: sql`now()` })
      .where(own)
      .returning();
    return rows[0];
  }
  const [deleted] = await db.batch([
    db
      .update(messages)
      .set({ deletedAt: sql`coalesce(${messages.deletedAt}, to_timestamp(${event.timestamp}))`, updatedAt: sql`now()` })
      .where(own)
      .returning(),
    db
      .update(messages)
      .set({ status: 'suppressed', error: DELETED_TRIGGER, updatedAt: sql`now()` })
      .where(
        and(
          inArray(messages.replyTo, db.select({ id: messages.id }).from(messages).where(own)),
          eq(messages.status, 'queued'),
        ),
      ),
  ]);
  return deleted[0];
}

/**
 * Applies a change and tells subscribers with `message.updated`, carrying the message as it is now.
 * 'target_pending': the message it names is not stored (yet); nothing changed and nothing is emitted.
 * Keyed on the change's own WhatsApp id: a redelivered change is applied again (to the same effect)
 * and emits the same delivery, which is recorded and sent once.
 */
export async function applyChangeAndNotify(s: Services, event: ChangeEvent): Promise<'updated' | 'target_pending'> {
  const message = await applyChange(s.db, event);
  if (!message) return 'target_pending';
  await emitWebhookEvent(
    s,
    'message.updated',
    { sessionId: event.sessionId, conversationId: message.conversationId, change: event.change.action, message: toPublicMessage(message) },
    { key: `${event.sessionId}:${event.waMessageId}` },
  );
  return 'updated';
}
