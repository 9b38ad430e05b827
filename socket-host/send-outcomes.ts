/**
 * What became of each send, remembered in memory first. WhatsApp accepting a message is the fact;
 * the database row only records it, and that write may fail (an outage) after the fact. Memory
 * answers for the id meanwhile, so a retried /send or a queue reload never sends it a second time,
 * and the durable mark is retried until the database takes it.
 */
import type { Logger } from 'pino';

export type SendOutcome = { status: 'sent'; sentAt: Date } | { status: 'failed'; error: string };

/** Settled outcomes kept after their durable mark landed (the table answers older ones). */
const SETTLED_LIMIT = 5_000;

export function createSendOutcomes(log: Logger, tuning: { retryDelayMs: number; maxRetryDelayMs: number }) {
  const settled = new Map<string, SendOutcome>();
  /** Outcomes whose row does not say so yet: never forgotten while the write is pending. */
  const unmarked = new Map<string, SendOutcome>();
  const marking = new Set<Promise<void>>();
  let stopped = false;

  async function persist(key: string, outcome: SendOutcome, write: () => Promise<void>, firstTried: () => void): Promise<void> {
    let delay = tuning.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await write();
        break;
      } catch (err) {
        if (attempt === 1) firstTried();
        // Still remembered in memory, so nothing is sent twice by this process; a restart before the
        // write lands re-sends the same WhatsApp id, which recipients' apps treat as one message.
        if (stopped) return log.warn({ key, err: String(err) }, 'send outcome not recorded before stop');
        if (attempt === 1) log.warn({ key, err: String(err) }, 'send outcome not recorded yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(tuning.maxRetryDelayMs, delay * 2);
      }
    }
    firstTried();
    unmarked.delete(key);
    settled.set(key, outcome);
    if (settled.size > SETTLED_LIMIT) settled.delete(settled.keys().next().value!);
  }

  return {
    get(key: string): SendOutcome | undefined {
      return unmarked.get(key) ?? settled.get(key);
    },

    /**
     * Records an outcome in memory at once, then durably: resolves after the first write attempt (so
     * normally the row says so before anyone is told), and keeps retrying in the background if it failed.
     */
    settle(key: string, outcome: SendOutcome, write: () => Promise<void>): Promise<void> {
      unmarked.set(key, outcome);
      return new Promise((firstTried) => {
        const work = persist(key, outcome, write, () => firstTried()).finally(() => marking.delete(work));
        marking.add(work);
      });
    },

    /** Outcomes not yet in the database (health and tests). */
    get pending(): number {
      return unmarked.size;
    },

    /** Gives the pending writes a last chance, bounded: a database that stays down must not hold a stop. */
    async stop(boundMs = 5_000): Promise<void> {
      await Promise.race([Promise.all(marking), new Promise((resolve) => setTimeout(resolve, boundMs).unref())]);
      stopped = true;
    },
  };
}

export type SendOutcomes = ReturnType<typeof createSendOutcomes>;
