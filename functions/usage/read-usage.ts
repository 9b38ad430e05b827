import { asc, gte } from 'drizzle-orm';
import { usageDaily } from '../../drizzle/schema.ts';
import { DEFAULT_PRICES, type Prices } from '../../shared/config/prices.ts';
import type { Db } from '../../shared/db.ts';
import { costPerDay, sumCosts, type CostSummary } from './cost.ts';
import { FREE_TIERS, projectFreeTiers } from './free-tiers.ts';
import { utcDay, type UsageMetric } from './meter.ts';

export type Metrics = Partial<Record<UsageMetric, number>>;
export type UsageDay = { day: string; metrics: Metrics };
export type PerMessage = { queueMessages: number; redisCommands: number; functionRequests: number };
export type TierLimit = { tier: string; used: number; limit: number; period: 'day' | 'month'; percent: number };

export type Usage = {
  /** Every day of the period, oldest first, today last; a day with nothing counted has `{}`. */
  days: UsageDay[];
  today: UsageDay;
  /** Averages per received customer message over the period; null before the first one. */
  perMessage: PerMessage | null;
  freeTiers: ReturnType<typeof projectFreeTiers> | null;
  limits: TierLimit[];
  /** The counted usage priced (functions/usage/cost.ts): free tiers count nothing. */
  cost: { currency: string; prices: Omit<Prices, 'currency'>; period: CostSummary; today: CostSummary; month: CostSummary };
};

export const MAX_USAGE_DAYS = 90;
const DAY_MS = 86_400_000;

/**
 * The counted usage of the last `days` UTC days (today included), what one customer message costs on
 * average, what that means on each free tier, how much of today's and this month's allowance is
 * used, and what it costs in money. One query: from the first of the period's first month, as the
 * Redis allowance is a month's.
 */
export async function readUsage(db: Db, days: number, now = Date.now(), prices: Prices = DEFAULT_PRICES): Promise<Usage> {
  const { today, periodStart } = periodOf(days, now);
  const monthStart = `${today.slice(0, 7)}-01`;
  const from = `${periodStart.slice(0, 7)}-01`;
  const rows = await db
    .select({ day: usageDaily.day, metric: usageDaily.metric, value: usageDaily.value })
    .from(usageDaily)
    .where(gte(usageDaily.day, from))
    .orderBy(asc(usageDaily.day), asc(usageDaily.metric));

  const byDay = new Map<string, Metrics>();
  let redisThisMonth = 0;
  for (const row of rows) {
    const metric = row.metric as UsageMetric;
    const metrics = byDay.get(row.day) ?? {};
    metrics[metric] = Number(row.value);
    byDay.set(row.day, metrics);
    if (row.day >= monthStart && metric === 'redis.commands') redisThisMonth += Number(row.value);
  }
  // Every day from the first of the period's first month to today; the period is its tail.
  const span = Math.round((Date.parse(today) - Date.parse(from)) / DAY_MS) + 1;
  const all: UsageDay[] = Array.from({ length: span }, (_, i) => {
    const day = utcDay(Date.parse(from) + i * DAY_MS);
    return { day, metrics: byDay.get(day) ?? {} };
  });
  const period = all.slice(-days);
  const todays = period.at(-1)!;
  const costs = costPerDay(all, prices);
  const { currency, ...unitPrices } = prices;

  const perMessage = averagePerMessage(period);
  return {
    days: period,
    today: todays,
    perMessage,
    freeTiers: perMessage && Object.values(perMessage).some((n) => n > 0)
      ? projectFreeTiers({
          qstashMessages: perMessage.queueMessages,
          redisCommands: perMessage.redisCommands,
          functionInvocations: perMessage.functionRequests,
        })
      : null,
    limits: [
      limit('QStash messages', todays.metrics['queue.messages'] ?? 0, FREE_TIERS.qstashMessagesPerDay, 'day'),
      limit('Upstash Redis commands', redisThisMonth, FREE_TIERS.redisCommandsPerMonth, 'month'),
      limit('Workers requests', todays.metrics['functions.requests'] ?? 0, FREE_TIERS.workersRequestsPerDay, 'day'),
    ],
    cost: {
      currency,
      prices: unitPrices,
      period: sumCosts(costs.slice(-days)),
      today: sumCosts(costs.slice(-1)),
      month: sumCosts(costs.filter((c) => c.day >= monthStart)),
    },
  };
}

/** The UTC days (YYYY-MM-DD) a period of `days` days ending today starts and ends on. */
export function periodOf(days: number, now: number): { periodStart: string; today: string } {
  return { periodStart: utcDay(now - (days - 1) * DAY_MS), today: utcDay(now) };
}

function averagePerMessage(period: UsageDay[]): PerMessage | null {
  const total = (metric: UsageMetric) => period.reduce((sum, d) => sum + (d.metrics[metric] ?? 0), 0);
  const received = total('messages.received');
  if (received === 0) return null;
  const per = (metric: UsageMetric) => Math.round((total(metric) / received) * 100) / 100;
  return { queueMessages: per('queue.messages'), redisCommands: per('redis.commands'), functionRequests: per('functions.requests') };
}

function limit(tier: string, used: number, allowance: number, period: 'day' | 'month'): TierLimit {
  return { tier, used, limit: allowance, period, percent: Math.round((used / allowance) * 1000) / 10 };
}
