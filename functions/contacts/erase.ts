import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../shared/db.ts';
import type { MediaBucket } from '../media/bucket.ts';

/**
 * A contact, as `DELETE /v1/contacts/{id}` names it: the customer's WhatsApp chat id, which every
 * conversation carries as `contactJid` and shows as `contactId`. The same person written to from
 * another linked number is the same contact: conversations with that chat id, or with the phone
 * number one of them has, on any number.
 */
export type ErasedCounts = {
  conversations: number;
  messages: number;
  mediaFiles: number;
  webhookDeliveries: number;
  webhookAttempts: number;
  sentMessages: number;
  outboxEvents: number;
  idempotencyKeys: number;
};

/** A bucket delete failed: nothing was deleted from the database, so the erasure can simply be asked again. */
export class MediaNotErased extends Error {}

const FILE_DELETES_IN_FLIGHT = 10;

/**
 * Erases everything stored about a contact: its conversations (with their summaries), messages and
 * their media files, the webhook deliveries (and attempts) and not-yet-queued events whose payload
 * names it, the socket-host's send records to it, and Idempotency-Key replays holding a message to
 * it. Kept: the linked number's Signal keys for the contact (WhatsApp's encryption needs them, they
 * hold no content) and the daily usage counters (numbers only). Returns undefined when nothing is
 * stored about the contact (a second erasure).
 *
 * Files go first, then all rows in one transaction (Neon runs a batch as one): a failure between the
 * two leaves rows whose files are gone, which a second call erases; never a file without its row.
 */
export async function eraseContact(deps: { db: Db; media: MediaBucket | undefined }, contactId: string): Promise<ErasedCounts | undefined> {
  const { db } = deps;
  const rows = <R>(r: unknown) => (r as { rows: R[] }).rows;
  const found = rows<{ id: string; contact_jid: string; phone: string | null }>(
    await db.execute(sql`
      select id, contact_jid, phone from conversations
      where contact_jid = ${contactId}
         or phone in (select phone from conversations where contact_jid = ${contactId} and phone is not null)`),
  );
  if (found.length === 0) return undefined;
  const ids = found.map((c) => c.id);
  const jids = [...new Set(found.map((c) => c.contact_jid))];
  const phones = [...new Set(found.flatMap((c) => (c.phone ? [c.phone] : [])))];
  // What names the contact inside a stored JSON payload: a conversation id, a chat id or the phone,
  // each as a whole JSON string (quoted), so that one phone number never matches inside a longer one.
  const needles = [...ids, ...jids, ...phones].map((v) => JSON.stringify(v));
  const names = (column: SQL) => sql.join(needles.map((n) => sql`strpos(${column}, ${n}) > 0`), sql` or `);
  const list = (values: string[], cast = '') => sql.join(values.map((v) => sql`${v}${sql.raw(cast)}`), sql`, `);
  const remoteJids = [...jids, ...phones.map((p) => `${p}@s.whatsapp.net`)];

  const files = rows<{ key: string }>(
    await db.execute(sql`
      select distinct media->'stored'->>'key' as key from messages
      where conversation_id in (${list(ids, '::uuid')}) and media->'stored'->>'key' is not null`),
  ).map((r) => r.key);
  if (deps.media) {
    for (let i = 0; i < files.length; i += FILE_DELETES_IN_FLIGHT) {
      const outcomes = await Promise.allSettled(files.slice(i, i + FILE_DELETES_IN_FLIGHT).map((k) => deps.media!.delete(k)));
      if (outcomes.some((o) => o.status === 'rejected')) throw new MediaNotErased('a media file could not be deleted from the bucket');
    }
  }

  const count = (q: SQL) => db.execute(sql`with d as (${q} returning 1) select count(*)::int as n from d`);
  const deliveries = sql`select id from webhook_deliveries where ${names(sql`payload`)}`;
  const results = await db.batch([
    count(sql`delete from webhook_attempts where delivery_id in (${deliveries})`),
    count(sql`delete from webhook_deliveries where ${names(sql`payload`)}`),
    count(sql`delete from wa_sent_messages where remote_jid in (${list(remoteJids)})`),
    count(sql`delete from wa_outbox where ${names(sql`payload`)}`),
    count(sql`delete from idempotency_keys where ${names(sql`response::text`)}`),
    count(sql`delete from messages where conversation_id in (${list(ids, '::uuid')})`),
    count(sql`delete from conversations where id in (${list(ids, '::uuid')})`),
  ]);
  const [attempts, webhookDeliveries, sentMessages, outboxEvents, idempotencyKeys, messages, conversations] = results.map((r) =>
    Number(rows<{ n: number }>(r)[0]?.n ?? 0),
  );
  return {
    conversations: conversations!,
    messages: messages!,
    mediaFiles: deps.media ? files.length : 0,
    webhookDeliveries: webhookDeliveries!,
    webhookAttempts: attempts!,
    sentMessages: sentMessages!,
    outboxEvents: outboxEvents!,
    idempotencyKeys: idempotencyKeys!,
  };
}
