/**
 * The plan's messages per day. QStash bills every delivery attempt (each retry too), so a new
 * message counts once when it is accepted (its first attempt) and once more at each retry; once
 * the day's count reaches the limit, publishes are refused with 429 and the `RateLimit-*` headers
 * that make the SDK throw QstashDailyRatelimitError. The day is UTC, as Upstash's counters are.
 */
import type { State } from './store.ts';

export type DailyQuota = ReturnType<typeof createDailyQuota>;

const utcDay = (now: number) => new Date(now).toISOString().slice(0, 10);

export function createDailyQuota(state: State, limit: number) {
  const today = (now: number) => {
    const day = utcDay(now);
    if (state.usage?.day !== day) state.usage = { day, count: 0 };
    return state.usage;
  };

  return {
    limit,
    remaining(now = Date.now()): number {
      return Math.max(0, limit - today(now).count);
    },
    count(now = Date.now()): void {
      today(now).count += 1;
    },
    /** The `RateLimit-*` headers of QStash's daily-limit answer; reset is the next UTC midnight in unix seconds. */
    headers(now = Date.now()): Record<string, string> {
      const nextMidnight = Date.parse(`${utcDay(now)}T00:00:00Z`) + 86_400_000;
      return {
        'RateLimit-Limit': String(limit),
        'RateLimit-Remaining': String(this.remaining(now)),
        'RateLimit-Reset': String(Math.floor(nextMidnight / 1000)),
      };
    },
  };
}
