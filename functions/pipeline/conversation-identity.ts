/**
 * One customer, one conversation. WhatsApp names a customer by their LID (`…@lid`) or by their phone
 * JID (`<digits>@s.whatsapp.net`), and the same person may come first under one and later under the
 * other. A conversation is keyed on the LID as soon as the mapping is known (the socket-host's event
 * then has the LID as `chatJid` and the digits as `phone`), and found by phone when an event has only
 * the phone. Everything here is statements for the caller's batch: finding, re-keying and merging
 * cost no round trip of their own.
 */
import { and, asc, desc, eq, ne, sql, type SQL } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import type { ContactMappingEvent } from '../../shared/contracts/wa-event.ts';

/** What an event says about its customer (the `chat` fields of shared/contracts/wa-event.ts). */
export type ContactIds = { sessionId: string; chatJid: string; phone: string | null };

/** Baileys' LID servers: `lid`, and `hosted.lid` for a customer on a hosted (Cloud API) number. */
export const isLidJid = (jid: string) => jid.endsWith('@lid') || jid.endsWith('@hosted.lid');

/** The phone JID a conversation first seen by phone number is keyed on (as Baileys normalizes it). */
export const phoneJid = (phone: string) => `${phone}@s.whatsapp.net`;

/**
 * The `contact_jid` of the event's conversation, as SQL: the LID when the event carries it; for an
 * event with only the phone, the LID-keyed conversation that has this phone if there is one, else
 * the event's own chat id. Valid anywhere in the batch (after mergeQueries, before or after the upsert).
 */
export function contactKey(ids: ContactIds): SQL<string> {
  if (isLidJid(ids.chatJid) || !ids.phone) return sql<string>`${ids.chatJid}::text`;
  const byPhone = sql`(select ${conversations.contactJid} from ${conversations} where ${conversations.sessionId} = ${ids.sessionId} and ${conversations.phone} = ${ids.phone} and ${conversations.contactJid} like '%lid' order by ${conversations.createdAt}, ${conversations.id} limit 1)`;
  return sql<string>`coalesce(${byPhone}, ${ids.chatJid}::text)`;
}

/** The event's conversation id as a subquery (null until the upsert of the same batch has run). */
export function conversationIdOf(ids: ContactIds): SQL<string> {
  return sql<string>`(select ${conversations.id} from ${conversations} where ${conversations.sessionId} = ${ids.sessionId} and ${conversations.contactJid} = ${contactKey(ids)})`;
}

/**
 * When the event knows both the LID and the phone: a conversation keyed by the phone JID becomes the
 * LID's (same id, messages, pause, summary); when both exist, the older one keeps everything — the
 * other's messages, the pause and needs-human of either — and the other is deleted. The summary of
 * either covers only its own turns, so a merged conversation starts without one (the next long
 * history is summarized afresh). Always two statements, so that the batch's positions are fixed; for
 * an event that cannot map one id to the other, two that match nothing. They run first in the batch, so
 * the upsert that follows finds the conversation under the LID.
 */
export function mergeQueries(db: Db, ids: ContactIds) {
  // Most events carry no mapping: two statements that match nothing, without the merge's SQL (4 KiB,
  // about a millisecond of CPU to build, on every message).
  if (!isLidJid(ids.chatJid) || ids.phone === null) return [nothing(db), nothing(db)] as const;
  return mergingQueries(db, { ...ids, phone: ids.phone });
}

/** An update that matches no row, returning what the merge's statements return. */
const nothing = (db: Db) =>
  db
    .update(conversations)
    .set({ name: sql`${conversations.name}` })
    .where(sql`false`)
    .returning({ id: conversations.id });

/** The merge itself, for an event that names both the customer's LID (`chatJid`) and their phone. */
function mergingQueries(db: Db, ids: ContactIds & { phone: string }) {
  const lid = ids.chatJid;
  const pn = phoneJid(ids.phone);
  const pair = and(eq(conversations.sessionId, ids.sessionId), sql`${conversations.contactJid} in (${lid}, ${pn})`);
  const keeper = sql<string>`(${db.select({ id: conversations.id }).from(conversations).where(pair).orderBy(asc(conversations.createdAt), asc(conversations.id)).limit(1)})`;
  const other = sql<string>`(${db.select({ id: conversations.id }).from(conversations).where(pair).orderBy(desc(conversations.createdAt), desc(conversations.id)).limit(1)})`;
  const otherHas = (column: string) => sql`(select ${sql.identifier(column)} from ${conversations} where ${conversations.id} = ${other})`;
  // Both exist exactly when the oldest and the newest of the pair differ.
  const two = ne(keeper, other);
  // All parts of one statement see the same snapshot: the keeper reads the other's row as it was
  // before the delete, and the messages are moved before the delete's cascade runs (at the statement's end).
  const moved = db.$with('moved').as(db.update(messages).set({ conversationId: keeper }).where(and(eq(messages.conversationId, other), two)).returning({ id: messages.id }));
  const gone = db.$with('gone').as(db.delete(conversations).where(and(eq(conversations.id, other), two)).returning({ id: conversations.id }));

  return [
    db
      .with(moved, gone)
      .update(conversations)
      .set({
        // greatest() and least() skip nulls: a pause or a handoff on either side survives.
        pausedUntil: sql`greatest(${conversations.pausedUntil}, ${otherHas('paused_until')})`,
        needsHumanSince: sql`least(${conversations.needsHumanSince}, ${otherHas('needs_human_since')})`,
        handoffMessageId: sql`coalesce(${conversations.handoffMessageId}, ${otherHas('handoff_message_id')})`,
        name: sql`coalesce(${conversations.name}, ${otherHas('name')})`,
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${otherHas('last_message_at')})`,
        summary: null,
        summaryUntil: null,
      })
      .where(and(eq(conversations.id, keeper), two))
      .returning({ id: conversations.id }),
    // Whichever is left: keyed on the LID from now on, with the phone kept beside it.
    db
      .update(conversations)
      .set({ contactJid: lid, phone: sql`coalesce(${conversations.phone}, ${ids.phone}::text)` })
      .where(
        and(
          eq(conversations.sessionId, ids.sessionId),
          eq(conversations.contactJid, pn),
          sql`not exists (select 1 from ${conversations} c where c.session_id = ${ids.sessionId} and c.contact_jid = ${lid})`,
        ),
      )
      .returning({ id: conversations.id }),
  ] as const;
}

/**
 * WhatsApp paired a LID with a phone number before the customer's next message (`contact.mapping`):
 * their conversations are re-keyed or merged now, as that message's store would, so the Inbox and the
 * API show one at once. Applying it again changes nothing.
 */
export async function applyContactMapping(db: Db, event: ContactMappingEvent): Promise<'merged' | 'rekeyed' | 'unchanged'> {
  const [merged, rekeyed] = await db.batch(mergeQueries(db, { sessionId: event.sessionId, chatJid: event.lid, phone: event.phone }));
  return merged.length ? 'merged' : rekeyed.length ? 'rekeyed' : 'unchanged';
}
