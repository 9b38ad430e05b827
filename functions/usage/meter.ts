import { sql } from 'drizzle-orm';
import { usageDaily } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

/** What the product counts of its own upstream usage, per UTC day (table usage_daily). */
export const USAGE_METRICS = [
  'messages.received',
  'messages.sent',
  'model.calls',
  'model.input_tokens',
  'model.output_tokens',
  'queue.messages',
  'redis.commands',
  'functions.requests',
  'console.requests',
] as const;
export type UsageMetric = (typeof USAGE_METRICS)[number];

/** A background write at most this often per isolate: counting must not cost a round trip per message. */
export const FLUSH_INTERVAL_MS = 5_000;
/** …unless this many counts are waiting, so a busy isolate that dies loses little. */
export const FLUSH_AT_PENDING = 500;

const DAY_MS = 86_400_000;
let lastDay = { from: 0, to: 0, day: '' };

/**
 * The UTC day of a time, as YYYY-MM-DD. Every count asks it, several per message: the day is kept
 * while the time stays in it (in workerd's profile of the inbound hook, building a Date and its ISO
 * string each time was about 3 % of the hook's CPU).
 */
export function utcDay(ms: number): string {
  if (ms < lastDay.from || ms >= lastDay.to) {
    const from = Math.floor(ms / DAY_MS) * DAY_MS;
    lastDay = { from, to: from + DAY_MS, day: new Date(from).toISOString().slice(0, 10) };
  }
  return lastDay.day;
}

type Row = { day: string; metric: UsageMetric; value: number };

/**
 * Counts in memory, written to usage_daily in one upsert now and then. The counts of an isolate that
 * dies (Workers evicts idle ones, Vercel freezes them) before its next write are lost: at most the last
 * few seconds. A count is filed under the UTC day it happened on, not the day it was written.
 */
export class UsageMeter {
  readonly #now: () => number;
  readonly #pending = new Map<string, Row>();
  #pendingCount = 0;
  /** 0: an isolate's first request writes at once, so a short-lived isolate still leaves its counts. */
  #lastFlushAt = 0;
  readonly #writing = new Set<Promise<void>>();

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  add(metric: UsageMetric, n = 1): void {
    if (!Number.isFinite(n) || n <= 0) return;
    const day = utcDay(this.#now());
    const key = `${day} ${metric}`;
    const row = this.#pending.get(key);
    if (row) row.value += Math.round(n);
    else this.#pending.set(key, { day, metric, value: Math.round(n) });
    this.#pendingCount += 1;
  }

  /** What is waiting to be written, as `{ 'YYYY-MM-DD metric': value }` (for tests and logs). */
  pending(): Record<string, number> {
    return Object.fromEntries([...this.#pending].map(([key, row]) => [key, row.value]));
  }

  /** Whether a request should hand a write to the background now. */
  due(): boolean {
    if (this.#pending.size === 0) return false;
    return this.#pendingCount >= FLUSH_AT_PENDING || this.#now() - this.#lastFlushAt >= FLUSH_INTERVAL_MS;
  }

  /**
   * Writes every pending count in one statement and clears them. If the write fails the counts go back
   * to pending (merged with any counted meanwhile) for the next write, and the error is thrown.
   */
  async flush(db: Db): Promise<void> {
    this.#lastFlushAt = this.#now();
    if (this.#pending.size === 0) return;
    const rows = [...this.#pending.values()];
    this.#pending.clear();
    this.#pendingCount = 0;
    const write = upsert(db, rows).catch((err: unknown) => {
      for (const row of rows) this.#restore(row);
      throw err;
    });
    this.#writing.add(write);
    try {
      await write;
    } finally {
      this.#writing.delete(write);
    }
  }

  /** Waits for writes already under way, then writes what is left: for tests and for shutdown. */
  async flushNow(db: Db): Promise<void> {
    await Promise.allSettled([...this.#writing]);
    await this.flush(db);
  }

  #restore(row: Row): void {
    const key = `${row.day} ${row.metric}`;
    const current = this.#pending.get(key);
    if (current) current.value += row.value;
    else this.#pending.set(key, { ...row });
    this.#pendingCount += 1;
  }
}

async function upsert(db: Db, rows: Row[]): Promise<void> {
  await db
    .insert(usageDaily)
    .values(rows)
    .onConflictDoUpdate({
      target: [usageDaily.day, usageDaily.metric],
      set: { value: sql`${usageDaily.value} + excluded.value` },
    });
}
