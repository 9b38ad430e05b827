import { and, eq, inArray, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import type { MessageChange, MessageFromTeam, MessageReceived } from '../../shared/contracts/wa-event.ts';

export type ChangeEvent = (MessageReceived | MessageFromTeam) & { change: MessageChange };

export const isChange = (event: MessageReceived | MessageFromTeam): event is ChangeEvent => event.change !== undefined;

/** Why a reply to a deleted message was not sent, as its row's error says. */
export const DELETED_TRIGGER = 'the customer deleted the message this reply answers';

/**
 * A reaction, an edit or a delete changes the message it names, in one round trip; it adds no row and
 * gets no reply. Applying one twice changes nothing more (the queue may redeliver it). Only a message
 * of the same chat is touched, and only its author may edit or delete it. A delete also stops the
 * replies to it that were written but not yet handed to WhatsApp.
 */
export async function applyChange(db: Db, event: ChangeEvent): Promise<'updated' | 'not_found'> {
  const { change } = event;
  const from = event.type === 'message.received' ? 'customer' : 'team';
  const conversation = sql`(select id from ${conversations} where ${conversations.sessionId} = ${event.sessionId} and ${conversations.contactJid} = ${event.chatJid})`;
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
      .returning({ id: messages.id });
    return rows.length ? 'updated' : 'not_found';
  }
  if (change.action === 'edit') {
    const rows = await db
      .update(messages)
      .set({ text: event.text, editedAt: sql`to_timestamp(${event.timestamp})`, updatedAt: sql`now()` })
      .where(own)
      .returning({ id: messages.id });
    return rows.length ? 'updated' : 'not_found';
  }
  const [deleted] = await db.batch([
    db
      .update(messages)
      .set({ deletedAt: sql`coalesce(${messages.deletedAt}, to_timestamp(${event.timestamp}))`, updatedAt: sql`now()` })
      .where(own)
      .returning({ id: messages.id }),
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
  return deleted.length ? 'updated' : 'not_found';
}
