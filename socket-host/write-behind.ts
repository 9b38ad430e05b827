/**
 * The socket-host's bookkeeping writes, off the per-message path. Deleting an outbox row QStash
 * accepted records what already happened: nothing waits for it, and memory answers for it meanwhile
 * (the outbox skips rows it published). So it waits here and rides along with the next write that
 * must happen now (an event into the outbox, a /send accepted, a send marked), in the same round trip,
 * as statements of its batch; when no such write comes within `flushAfterMs`, the waiting writes go
 * on their own, several in one round trip.
 *
 * A crash loses at most the writes of that moment: the outbox then publishes an event again, which
 * QStash drops by its deduplication id (and the functions are idempotent). A send's mark is not
 * written behind: a host killed before it lands would send that WhatsApp id again when it restarts.
 */
import type { BatchItem } from 'drizzle-orm/batch';
import type { Db } from '../shared/db.ts';

export type WriteBehindTuning = {
  /** How long a bookkeeping write waits for a write to ride along with. */
  flushAfterMs: number;
  /** Backoff while the database is unreachable, doubling up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
};

export const DEFAULT_WRITE_BEHIND_TUNING: WriteBehindTuning = { flushAfterMs: 250, retryDelayMs: 500, maxRetryDelayMs: 30_000 };

type Pending = { query: BatchItem<'pg'>; done: () => void };

export type WriteBehind = ReturnType<typeof createWriteBehind>;

/** One per database client, so that the outbox's and the sends' writes ride along with each other. */
const shared = new WeakMap<Db, WriteBehind>();

export function writeBehindFor(db: Db): WriteBehind {
  let writes = shared.get(db);
  if (!writes) shared.set(db, (writes = createWriteBehind(db)));
  return writes;
}

export function createWriteBehind(db: Db, tuning: WriteBehindTuning = DEFAULT_WRITE_BEHIND_TUNING) {
  /** Keyed, so that a write asked for twice (a retried mark) is made once. */
  const pending = new Map<string, Pending>();
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;

  function schedule(delay: number): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void flush().catch(() => undefined);
    }, delay);
    // A process with nothing else to do may end; stop() flushes what is left.
    timer.unref();
  }

  /** Takes what is pending; on failure it is put back (unless asked for again meanwhile). */
  function take(): [string, Pending][] {
    const taken = [...pending];
    pending.clear();
    return taken;
  }
  function putBack(taken: [string, Pending][]): void {
    for (const [key, p] of taken) if (!pending.has(key)) pending.set(key, p);
  }
  function settled(taken: [string, Pending][]): void {
    failures = 0;
    for (const [, p] of taken) p.done();
  }

  async function flush(): Promise<void> {
    const taken = take();
    if (taken.length === 0) return;
    try {
      const [first, ...rest] = taken.map(([, p]) => p.query);
      await db.batch([first!, ...rest]);
    } catch (err) {
      putBack(taken);
      failures += 1;
      schedule(Math.min(tuning.maxRetryDelayMs, tuning.retryDelayMs * 2 ** Math.min(failures - 1, 20)));
      throw err;
    }
    settled(taken);
  }

  return {
    /** A write nobody waits for; resolves once it is in the database. */
    later(key: string, query: BatchItem<'pg'>): Promise<void> {
      return new Promise((done) => {
        const before = pending.get(key);
        pending.set(key, {
          query,
          done: () => {
            before?.done();
            done();
          },
        });
        schedule(tuning.flushAfterMs);
      });
    },

    /** A write that must happen now, with whatever is pending in the same round trip; its result. */
    async now<T extends BatchItem<'pg'>>(query: T): Promise<Awaited<T>> {
      const taken = take();
      if (taken.length === 0) return (await query) as Awaited<T>;
      let results: unknown[];
      try {
        results = await db.batch([...taken.map(([, p]) => p.query), query] as unknown as [BatchItem<'pg'>, ...BatchItem<'pg'>[]]);
      } catch {
        // Whichever statement failed, nothing of the batch was written. The write that must happen
        // now goes alone (a bookkeeping write that keeps failing must not hold events back); the
        // rest waits for the timer.
        putBack(taken);
        schedule(tuning.flushAfterMs);
        return (await query) as Awaited<T>;
      }
      settled(taken);
      return results.at(-1) as Awaited<T>;
    },

    /** Whether a write is waiting under this key. */
    has(key: string): boolean {
      return pending.has(key);
    },

    /** Writes everything pending now (health checks, stop). */
    flush,

    get pending(): number {
      return pending.size;
    },
  };
}
