import { and, asc, eq, lt, sql, type SQL } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { newWaMessageId } from '../outbound/wa-message-id.ts';
import { DELETED_TRIGGER } from './message-change.ts';
import type { StoredMessage } from './store-message.ts';

/**
 * A claim older than this whose writer never finished is taken over by a redelivery. A live writer
 * needs at most the model's 30 s budget (compose.ts), so a claim this old has no writer left.
 */
export const STALE_CLAIM_SECONDS = 60;

export type ClaimState =
  | { kind: 'generate'; claim: StoredMessage }
  | { kind: 'deliver'; parts: StoredMessage[] }
  | { kind: 'busy' }
  | { kind: 'done' };

/** How a reply row's `error` says the model failed (and the fallback text was written instead). */
export const MODEL_ERROR_PREFIX = 'model: ';

/** A reply row's `error` when the contact's hourly reply limit held the reply back (nothing was composed). */
export const CONTACT_LIMIT_ERROR = 'contact reply limit reached';

/**
 * One reply per trigger message, however often the trigger is redelivered: the reply's first part is
 * inserted as a 'generating' claim under the unique (reply_to, part) index. Whoever inserts it writes
 * the reply; a redelivery finds it and either delivers what was written, waits while a live writer
 * works, or takes over a claim whose writer died. Returned as queries so the caller can run them in
 * the same round trip as its reads; the trigger's ids may be subqueries (see storedIds) when the
 * trigger is stored in that same round trip.
 */
export function claimQueries(db: Db, trigger: { id: string | SQL<string>; conversationId: string | SQL<string>; sessionId: string }) {
  return [
    db
      .insert(messages)
      .values({
        conversationId: trigger.conversationId,
        sessionId: trigger.sessionId,
        waMessageId: newWaMessageId(),
        direction: 'out',
        author: 'agent',
        text: '',
        status: 'generating',
        replyTo: trigger.id,
        part: 0,
      })
      .onConflictDoNothing()
      .returning(),
    db.select().from(messages).where(eq(messages.replyTo, trigger.id)).orderBy(asc(messages.part)),
  ] as const;
}

/**
 * What the claim's two queries found (see claimQueries). A 'generating' claim is taken over only when
 * the database's own clock says it is stale: comparing in SQL avoids both clock skew between isolates
 * and the precision lost reading a microsecond timestamp into a JavaScript Date. The takeover gives
 * the claim a new WhatsApp id: that id is the claim's owner token, so a writer that was only slow, not
 * dead, finds its claim gone when it finishes (finishClaim) and sends nothing.
 */
export async function readClaim(db: Db, [inserted, parts]: [StoredMessage[], StoredMessage[]]): Promise<ClaimState> {
  if (inserted[0]) return { kind: 'generate', claim: inserted[0] };
  const first = parts[0]!;
  if (first.status === 'generating') {
    const [taken] = await db
      .update(messages)
      .set({ waMessageId: newWaMessageId(), updatedAt: sql`now()` })
      .where(
        and(
          eq(messages.id, first.id),
          eq(messages.status, 'generating'),
          lt(messages.updatedAt, sql`now() - make_interval(secs => ${STALE_CLAIM_SECONDS})`),
        ),
      )
      .returning();
    return taken ? { kind: 'generate', claim: taken } : { kind: 'busy' };
  }
  const pending = parts.filter((p) => p.status === 'queued');
  return pending.length ? { kind: 'deliver', parts: pending } : { kind: 'done' };
}

/**
 * Writes the composed reply: part 0 fills the claim, further parts are new rows, all 'queued'. Returns
 * 'lost' when the claim was taken over meanwhile (this writer was presumed dead): nothing is written.
 */
export async function finishClaim(
  db: Db,
  claim: StoredMessage,
  reply: { parts: string[]; status: 'queued' | 'suppressed'; inputTokens?: number; outputTokens?: number; error?: string },
): Promise<StoredMessage[] | 'lost'> {
  const [first, ...rest] = reply.parts;
  // The customer deleted the message while the reply was being written: it is kept, not sent.
  const triggerDeleted = sql`exists (select 1 from ${messages} t where t.id = ${claim.replyTo} and t.deleted_at is not null)`;
  // Only the claim's owner (its WhatsApp id unchanged since it claimed) may fill it.
  const [updated] = await db
    .update(messages)
    .set({
      text: first ?? '',
      status: sql`case when ${triggerDeleted} then 'suppressed' else ${reply.status}::text end`,
      inputTokens: reply.inputTokens,
      outputTokens: reply.outputTokens,
      error: sql`case when ${triggerDeleted} then ${DELETED_TRIGGER}::text else ${reply.error ?? null}::text end`,
      // Since the claim was made or taken over (its updated_at): the reply metrics of /v1/usage, in the
      // update that writes the reply anyway, by one clock.
      composeMs: sql`round(extract(epoch from now() - ${messages.updatedAt}) * 1000)::int`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(messages.id, claim.id), eq(messages.waMessageId, claim.waMessageId), eq(messages.status, 'generating')))
    .returning();
  if (!updated) return 'lost';
  // Further parts (a long reply) are a second round trip, taken only by their owner.
  const others = rest.length
    ? await db
        .insert(messages)
        .values(
          rest.map((text, i) => ({
            conversationId: claim.conversationId,
            sessionId: claim.sessionId,
            waMessageId: newWaMessageId(),
            direction: 'out' as const,
            author: 'agent' as const,
            text,
            status: updated.status,
            error: updated.error,
            replyTo: claim.replyTo,
            part: i + 1,
          })),
        )
        .onConflictDoNothing()
        .returning()
    : [];
  return [updated, ...others].filter((m) => m.status === 'queued');
}

/**
 * Gives a claim back when it turned out not to be ours to answer (superseded by a newer message,
 * paused) or its writer failed; only while we still own it (a taken-over claim is the new owner's).
 */
export async function releaseClaim(db: Db, claim: StoredMessage): Promise<void> {
  await db
    .delete(messages)
    .where(and(eq(messages.id, claim.id), eq(messages.waMessageId, claim.waMessageId), eq(messages.status, 'generating')));
}
