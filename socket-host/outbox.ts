/**
 * The outbox: every event is written to wa_outbox before it is published, and deleted only once QStash
 * accepted it. A single drain loop publishes oldest first and backs off while QStash (or the database)
 * is unreachable, so nothing is lost across restarts and queue outages. The delete of a published row
 * rides along with the socket-host's next write (see write-behind.ts): one round trip per event.
 */
import type { Client } from '@upstash/qstash';
import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { waOutbox } from '../drizzle/schema.ts';
import type { WaEvent } from '../shared/contracts/wa-event.ts';
import type { Db } from '../shared/db.ts';
import { writeBehindFor } from './write-behind.ts';

export type OutboxTuning = {
  /** First retry delay after a failed publish; doubles per failure up to maxRetryDelayMs. */
  retryDelayMs: number;
  maxRetryDelayMs: number;
  /** Rows read per query while draining. */
  batchSize: number;
};

/** Retries QStash makes delivering an event to the functions: the free plan's maximum. */
export const OUTBOX_DELIVERY_RETRIES = 3;

export const DEFAULT_OUTBOX_TUNING: OutboxTuning = { retryDelayMs: 1_000, maxRetryDelayMs: 30_000, batchSize: 50 };

export type OutboxOptions = {
  db: Db;
  qstash: Pick<Client, 'publishJSON'>;
  /** The functions' hook, e.g. `${PUBLIC_URL}/hooks/whatsapp`. */
  destination: string;
  /** Only these sessions' rows: another host may drain its own numbers from the same table. Read on each drain: numbers come and go. */
  sessionIds: Iterable<string>;
  log: Logger;
  tuning?: Partial<OutboxTuning>;
};

export type Outbox = ReturnType<typeof createOutbox>;

export function createOutbox(options: OutboxOptions) {
  const { db, qstash, destination, log } = options;
  const tuning = { ...DEFAULT_OUTBOX_TUNING, ...options.tuning };
  const writes = writeBehindFor(db);
  /** QStash has it: the row goes with the next write; the drain must not publish it again meanwhile. */
  const published = (seq: number) => writes.later(`outbox:${seq}`, db.delete(waOutbox).where(eq(waOutbox.seq, seq)));
  const mine = () => inArray(waOutbox.sessionId, [...options.sessionIds]);
  let stopped = false;
  let draining: Promise<void> | null = null;
  let again = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  /** True until a drain finds nothing left: while older rows wait, new ones must queue behind them. */
  let backlog = true;
  /** Rows being published straight from enqueue; the drain leaves them alone. */
  const direct = new Map<number, Promise<void>>();

  // QStash's free plan refuses more than 3 retries (412): asking for more would stall the outbox.
  const publish = (eventId: string, event: WaEvent) =>
    qstash.publishJSON({ url: destination, body: event, deduplicationId: eventId, retries: OUTBOX_DELIVERY_RETRIES });

  async function recordFailure(seq: number, eventId: string, attempts: number, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    log.warn({ eventId, attempts, err: message }, 'outbox: publish failed; will retry');
    backlog = true;
    await db
      .update(waOutbox)
      .set({ attempts: sql`${waOutbox.attempts} + 1`, lastError: message.slice(0, 500) })
      .where(eq(waOutbox.seq, seq));
    retryLater();
  }

  /**
   * The common case, nothing waiting: publish the row just written at once, without reading it back
   * (one round trip per event, the delete riding along with a later write). Any failure leaves it to
   * the drain loop.
   */
  function publishDirectly(seq: number, event: WaEvent): void {
    const work = publish(event.id, event)
      .then(() => {
        void published(seq);
        failures = 0;
      })
      .catch((err: unknown) => recordFailure(seq, event.id, 1, err).catch(() => retryLater()))
      .finally(() => direct.delete(seq));
    direct.set(seq, work);
  }

  function retryLater() {
    failures += 1;
    const delay = Math.min(tuning.maxRetryDelayMs, tuning.retryDelayMs * 2 ** Math.min(failures - 1, 20));
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(kick, delay);
  }

  /** Publishes until the outbox is empty or a publish fails (which schedules a retry). */
  async function drainOnce(): Promise<void> {
    for (;;) {
      if (stopped) return;
      // Published rows are deleted first, so that the read below finds only what still waits.
      await writes.flush();
      const rows = (await db.select().from(waOutbox).where(mine()).orderBy(asc(waOutbox.seq)).limit(tuning.batchSize)).filter(
        (row) => !direct.has(row.seq) && !writes.has(`outbox:${row.seq}`),
      );
      if (rows.length === 0) {
        backlog = false;
        return;
      }
      for (const row of rows) {
        if (stopped) return;
        try {
          await publish(row.eventId, JSON.parse(row.payload) as WaEvent);
        } catch (err) {
          await recordFailure(row.seq, row.eventId, row.attempts + 1, err);
          return;
        }
        void published(row.seq);
        failures = 0;
      }
    }
  }

  /** Starts a drain, or asks the running one to look again when it is done. */
  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    clearTimeout(timer);
    draining = drainOnce()
      .catch((err: unknown) => {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox: database unreachable; will retry');
        retryLater();
      })
      .finally(() => {
        draining = null;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  return {
    /**
     * Durably records an event (a duplicate id is ignored) and triggers publishing. Retries the write
     * while the database is unreachable: an event Baileys handed us must not be dropped.
     */
    async enqueue(event: WaEvent): Promise<void> {
      let delay = tuning.retryDelayMs;
      let written: { seq: number }[];
      for (;;) {
        try {
          written = await writes.now(
            db
              .insert(waOutbox)
              .values({ sessionId: event.sessionId, eventId: event.id, payload: JSON.stringify(event) })
              .onConflictDoNothing({ target: waOutbox.eventId })
              .returning({ seq: waOutbox.seq }),
          );
          break;
        } catch (err) {
          if (stopped) throw err;
          log.warn({ eventId: event.id, err: err instanceof Error ? err.message : String(err) }, 'outbox: write failed; retrying');
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(tuning.maxRetryDelayMs, delay * 2);
        }
      }
      const seq = written[0]?.seq;
      if (seq !== undefined && !backlog && !draining && !stopped) publishDirectly(seq, event);
      else kick();
    },

    /** Events written but not yet accepted by the queue. */
    async pending(): Promise<number> {
      // Rows published but not yet deleted are not waiting: delete them first (or count them, if that fails).
      await writes.flush().catch(() => undefined);
      const [row] = await db.select({ n: count() }).from(waOutbox).where(mine());
      return row?.n ?? 0;
    },

    start(): void {
      kick();
    },

    /** Waits for the running drain; rows left stay in the table for the next start. */
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await Promise.all([draining, ...direct.values()]);
      await writes.flush().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox: published rows not deleted before stop; they are published again (and dropped by QStash) next start'));
    },
  };
}
