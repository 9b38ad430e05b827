import { sql, type SQL } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../shared/db.ts';
import type { MediaBucket } from '../media/bucket.ts';

/**
 * How much one run may do. A run is one Worker cron invocation, one QStash-called Vercel function (60 s,
 * vercel.json) or one local timer tick, so it stops starting new work at either limit and leaves the
 * rest to the next day's run (the next run picks up exactly where this one stopped: it just finds
 * the old rows that are still there).
 * - `batchRows` 500: one statement deleting 500 rows (and their index entries) takes milliseconds on
 *   Neon's smallest compute and answers with one short line (a count), not the rows.
 * - `fileBatch` 100: media rows per file batch; each file is one bucket call (R2 binding or S3 request).
 * - `maxStatements` 40: each statement is one HTTP round trip to Neon, i.e. one Workers subrequest, and
 *   the Workers free plan allows 50 per invocation.
 * - `maxFileDeletes` 500: R2 binding calls, of which the free plan allows 1,000 per invocation.
 * - `timeBudgetMs` 20 s: well inside Vercel's 60 s, with room for the slowest statement.
 * At these limits one run deletes up to ~18,000 messages without files, or 500 with files: more than
 * a free-tier deployment receives in a day, so a backlog (retention turned on late) drains over days.
 */
export const PURGE_LIMITS = {
  batchRows: 500,
  fileBatch: 100,
  maxStatements: 40,
  maxFileDeletes: 500,
  timeBudgetMs: 20_000,
};
export type PurgeLimits = typeof PURGE_LIMITS;

/** Bucket deletes in flight at once: quick on R2 and S3, without opening a hundred connections. */
const FILE_DELETES_IN_FLIGHT = 10;

export type PurgeCounts = {
  messages: number;
  mediaFiles: number;
  conversations: number;
  webhookDeliveries: number;
  webhookAttempts: number;
  sentMessages: number;
  idempotencyKeys: number;
};

export type PurgeResult = {
  retentionDays: number;
  cutoff: string;
  deleted: PurgeCounts;
  /** false: a limit was reached with old rows left; the next run continues. */
  complete: boolean;
  statements: number;
};

type Deps = { db: Db; media: MediaBucket | undefined; log: Logger };

/**
 * Deletes what is older than `retentionDays`: messages (each stored media file first, then its row),
 * webhook deliveries with their attempts (once final), the socket-host's sent-message records (once
 * sent or failed; never a queued one), expired Idempotency-Key replays (they hold the sent messages),
 * and conversations left with no message and no activity since the cutoff. Auth state, settings, keys,
 * webhook subscriptions and usage counters are never touched. Safe beside live traffic and beside
 * another run: every statement re-checks its condition on the rows it deletes, and anything arriving
 * now is newer than the cutoff.
 */
export async function purgeOldData(deps: Deps, retentionDays: number, options: { now?: number; limits?: Partial<PurgeLimits> } = {}): Promise<PurgeResult> {
  const limits = { ...PURGE_LIMITS, ...options.limits };
  const now = options.now ?? Date.now();
  const cutoff = new Date(now - retentionDays * 86_400_000).toISOString();
  const started = Date.now();
  const deleted: PurgeCounts = { messages: 0, mediaFiles: 0, conversations: 0, webhookDeliveries: 0, webhookAttempts: 0, sentMessages: 0, idempotencyKeys: 0 };
  let statements = 0;
  let fileDeletes = 0;
  // Every step gets at least one batch per run: a step may use the statements left but one for each
  // step after it, so a large backlog of messages never starves the webhook logs (or the reverse).
  let stepsAfter = 5;
  const canRun = (need = 1) => statements + need <= limits.maxStatements - stepsAfter && Date.now() - started < limits.timeBudgetMs;

  const run = async <R extends Record<string, unknown>>(query: SQL): Promise<R[]> => {
    statements++;
    const result = (await deps.db.execute(query)) as unknown as { rows: R[] };
    return result.rows;
  };
  /** Runs a counting delete until it deletes less than a batch; false if stopped by a limit first. */
  const drain = async (query: SQL, add: (row: Record<string, unknown>) => number): Promise<boolean> => {
    stepsAfter--;
    while (canRun()) {
      const [row] = await run(query);
      if (add(row ?? {}) < limits.batchRows) return true;
    }
    return false;
  };
  const n = (v: unknown) => Number(v ?? 0);

  // 1. Messages with a stored file: the files, then the rows whose files are gone.
  let done = false;
  // Room for both statements of a batch (select, then delete), so no file is deleted without its row.
  while (!done && canRun(2) && fileDeletes + limits.fileBatch <= limits.maxFileDeletes) {
    const rows = await run<{ id: string; key: string }>(sql`
      select id, media->'stored'->>'key' as key from messages
      where created_at < ${cutoff}::timestamptz and media->'stored' is not null
      limit ${limits.fileBatch}`);
    done = rows.length < limits.fileBatch;
    if (rows.length === 0) break;
    fileDeletes += rows.length;
    const gone = await deleteFiles(deps.media, rows);
    if (gone.length > 0) {
      const [row] = await run(sql`
        with d as (delete from messages where id in ${ids(gone.map((r) => r.id))} and created_at < ${cutoff}::timestamptz returning 1)
        select count(*)::int as n from d`);
      deleted.messages += n(row?.n);
      deleted.mediaFiles += gone.length;
    }
    if (gone.length < rows.length) {
      const failed = rows.length - gone.length;
      deps.log.warn({ failed }, 'retention: media files could not be deleted; their messages are kept for the next run');
      done = false;
      break;
    }
  }
  let complete = done;

  /** Adds a batch's deleted-row count to `field` and hands it to drain(). */
  const countInto = (field: keyof PurgeCounts) => (row: Record<string, unknown>) => {
    deleted[field] += n(row.n);
    return n(row.n);
  };

  // 2. Messages without a file. The condition is checked again on each row, so a file stored
  // meanwhile (never on an old message, but still) keeps its row for step 1 of a later run.
  complete =
    (await drain(
      batchDelete('messages', ['id'], sql`created_at < ${cutoff}::timestamptz and media->'stored' is null`, limits.batchRows),
      countInto('messages'),
    )) && complete;

  // 3. Webhook deliveries whose story is over (never one pending or retrying: a redelivery of an old
  // delivery makes it pending again), with their attempts, counted in the same statement.
  complete =
    (await drain(
      sql`
        with batch as (
          select id from webhook_deliveries
          where created_at < ${cutoff}::timestamptz and status not in ('pending', 'retrying') limit ${limits.batchRows}
        ),
        a as (delete from webhook_attempts where delivery_id in (select id from batch) returning 1),
        d as (
          delete from webhook_deliveries where id in (select id from batch) and status not in ('pending', 'retrying')
          returning 1)
        select (select count(*)::int from d) as n, (select count(*)::int from a) as attempts`,
      (row) => {
        deleted.webhookAttempts += n(row.attempts);
        return countInto('webhookDeliveries')(row);
      },
    )) && complete;

  // 4. The socket-host's send records, once final: a queued one is still to be sent.
  complete =
    (await drain(
      batchDelete('wa_sent_messages', ['session_id', 'wa_message_id'], sql`created_at < ${cutoff}::timestamptz and state in ('sent', 'failed')`, limits.batchRows),
      countInto('sentMessages'),
    )) && complete;

  // 5. Idempotency-Key replays: expired after 24 h (functions/v1/idempotency.ts), so any older than
  // the cutoff (at least a day) is dead weight holding a sent message's text.
  complete =
    (await drain(
      batchDelete('idempotency_keys', ['api_key_id', 'key'], sql`created_at < ${cutoff}::timestamptz`, limits.batchRows),
      countInto('idempotencyKeys'),
    )) && complete;

  // 6. Conversations left empty and quiet since the cutoff. A customer writing now moves
  // last_message_at first, and the condition is checked again on the row: it stays.
  complete =
    (await drain(
      batchDelete(
        'conversations',
        ['id'],
        sql`last_message_at < ${cutoff}::timestamptz and created_at < ${cutoff}::timestamptz
          and (paused_until is null or paused_until < now())
          and not exists (select 1 from messages m where m.conversation_id = conversations.id)`,
        limits.batchRows,
      ),
      countInto('conversations'),
    )) && complete;

  const result: PurgeResult = { retentionDays, cutoff, deleted, complete, statements };
  deps.log.info({ ...result, ms: Date.now() - started }, 'retention purge');
  return result;
}

/**
 * Deletes each message's file; a file already gone counts as deleted (every bucket's delete is quiet
 * about a missing key). Without a bucket the files cannot be reached at all, so there is nothing to keep
 * the rows for. Returns the rows whose files are gone.
 */
async function deleteFiles<R extends { key: string }>(bucket: MediaBucket | undefined, rows: R[]): Promise<R[]> {
  if (!bucket) return rows;
  const gone: R[] = [];
  for (let i = 0; i < rows.length; i += FILE_DELETES_IN_FLIGHT) {
    const slice = rows.slice(i, i + FILE_DELETES_IN_FLIGHT);
    const outcomes = await Promise.allSettled(slice.map((r) => bucket.delete(r.key)));
    outcomes.forEach((o, j) => o.status === 'fulfilled' && gone.push(slice[j]!));
  }
  return gone;
}

/**
 * One batch of a counting delete on `table`: at most `limit` rows matching `where`, which is checked
 * again on each row as it is deleted (a row changed meanwhile stays). Answers one line: `n`, the count.
 * `table` and the `key` columns are this file's own constants, never input.
 */
function batchDelete(table: string, key: string[], where: SQL, limit: number): SQL {
  const columns = key.join(', ');
  return sql`
    with d as (
      delete from ${sql.raw(table)} where (${sql.raw(columns)}) in (
        select ${sql.raw(columns)} from ${sql.raw(table)} where ${where} limit ${limit}
      ) and ${where}
      returning 1)
    select count(*)::int as n from d`;
}

function ids(values: string[]): SQL {
  return sql`(${sql.join(values.map((v) => sql`${v}::uuid`), sql`, `)})`;
}
