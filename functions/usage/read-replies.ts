import { sql } from 'drizzle-orm';
import type { Db } from '../../shared/db.ts';
import { CONTACT_LIMIT_ERROR, MODEL_ERROR_PREFIX } from '../pipeline/reply-claim.ts';

export type Percentiles = { p50: number | null; p95: number | null };

export type ReplyMetrics = {
  /** Agent replies written (the first part of each); a reply held back by the contact's hourly limit is none. */
  replies: number;
  /**
   * From the customer's message reaching the socket-host (its stored time, where the burst window
   * counts from) to the reply's first part being accepted by the socket-host for sending: what the
   * customer waits, burst window, queue and model included. Null when no reply was handed over.
   */
  latencyMs: Percentiles;
  /** The agent's own part of it: from claiming the reply to its text written (knowledge search, model calls, tools). */
  composeMs: Percentiles;
  /** Replies that were the fallback text because the model failed. */
  modelErrors: number;
  /** Replies a part of which could not be sent. */
  sendFailures: number;
  /** Replies with a model error or a failed send, over replies, in percent (two decimals); null with no reply. */
  errorPercent: number | null;
};

type Row = Record<`${'period' | 'today'}_${'replies' | 'model_errors' | 'send_failures' | 'failed' | 'latency' | 'compose'}`, string | null>;

/**
 * The reply metrics of the period from `periodStart` and of today (UTC days, YYYY-MM-DD), in one
 * query. Percentiles are PostgreSQL's percentile_cont (interpolated) over the replies created in each
 * span. The customer's message carries the socket-host's time (when it saw it), the hand-over and the
 * composition the database's: never an isolate's clock, which may be any of many.
 */
export async function readReplyMetrics(db: Db, periodStart: string, todayStart: string): Promise<{ period: ReplyMetrics; today: ReplyMetrics }> {
  // Midnight UTC, whatever the database session's time zone.
  const utc = (day: string) => `${day}T00:00:00Z`;
  // Materialized: inlined, the query would evaluate each reply's join and failed-part lookup again for
  // every aggregate naming its column (six times the CPU on a month of replies, measured).
  const result = (await db.execute(sql`
    with replies as materialized (
      select
        r.created_at >= ${utc(todayStart)}::timestamptz as today,
        -- float8, not extract's numeric: the percentiles sort every reply, and floats sort faster.
        (extract(epoch from r.handed_at - t.created_at) * 1000)::float8 as latency_ms,
        r.compose_ms::float8 as compose_ms,
        coalesce(r.error like ${`${MODEL_ERROR_PREFIX}%`}, false) as model_error,
        exists (select 1 from messages p where p.reply_to = r.reply_to and p.status = 'failed') as send_failed
      from messages r
      left join messages t on t.id = r.reply_to
      where r.reply_to is not null and r.part = 0 and r.author = 'agent' and r.status <> 'generating'
        and r.created_at >= ${utc(periodStart)}::timestamptz
        and r.error is distinct from ${CONTACT_LIMIT_ERROR}
    )
    select
      ${spanColumns(sql.raw('period'), sql`true`)},
      ${spanColumns(sql.raw('today'), sql`today`)}
    from replies`)) as unknown as { rows: Row[] };
  const row = result.rows[0]!;
  return { period: metricsOf(row, 'period'), today: metricsOf(row, 'today') };
}

/**
 * The aggregates of one span, as text (exact, whatever the driver does with numbers and arrays). Both
 * percentiles of a column come from one sort: percentile_cont takes an array of fractions.
 */
function spanColumns(name: ReturnType<typeof sql.raw>, where: ReturnType<typeof sql>) {
  const p = (column: string) => sql`(percentile_cont(array[0.5, 0.95]) within group (order by ${sql.raw(column)}) filter (where ${where}))::text`;
  return sql.join(
    [
      sql`(count(*) filter (where ${where}))::text as ${name}_replies`,
      sql`(count(*) filter (where ${where} and model_error))::text as ${name}_model_errors`,
      sql`(count(*) filter (where ${where} and send_failed))::text as ${name}_send_failures`,
      sql`(count(*) filter (where ${where} and (model_error or send_failed)))::text as ${name}_failed`,
      sql`${p('latency_ms')} as ${name}_latency`,
      sql`${p('compose_ms')} as ${name}_compose`,
    ],
    sql`, `,
  );
}

function metricsOf(row: Row, span: 'period' | 'today'): ReplyMetrics {
  const count = (key: 'replies' | 'model_errors' | 'send_failures' | 'failed') => Number(row[`${span}_${key}`] ?? 0);
  // '{2500,3850}', or null when the span has no value to sort (no reply, or none handed over yet).
  const ms = (key: 'latency' | 'compose'): Percentiles => {
    const value = row[`${span}_${key}`];
    const [p50, p95] = value === null ? [null, null] : value.replace(/[{}]/g, '').split(',').map((v) => (v === 'NULL' ? null : Math.round(Number(v))));
    return { p50: p50 ?? null, p95: p95 ?? null };
  };
  const replies = count('replies');
  return {
    replies,
    latencyMs: ms('latency'),
    composeMs: ms('compose'),
    modelErrors: count('model_errors'),
    sendFailures: count('send_failures'),
    errorPercent: replies > 0 ? Math.round((count('failed') / replies) * 10_000) / 100 : null,
  };
}
