import type { Prices } from '../../shared/config/prices.ts';
import { FREE_TIERS } from './free-tiers.ts';
import type { UsageDay } from './read-usage.ts';

export type CostParts = { model: number; qstash: number; redis: number; workers: number };

export type CostSummary = {
  /** What the days cost, in the configured currency. */
  total: number;
  /** total / messages; null when no customer message was received. */
  perMessage: number | null;
  /** Customer messages received over the days. */
  messages: number;
  parts: CostParts;
};

/**
 * What each day's counted usage costs at the configured prices. Usage inside a free tier costs
 * nothing: QStash's 1,000 messages and Workers' 100,000 requests are allowances per day, Redis's
 * 500,000 commands one per calendar month, so a day is charged only for the commands that took the
 * month past it. `days` must be consecutive and start on the first of a month (or the month's usage
 * before them would be missed); the model has no free tier.
 */
export function costPerDay(days: UsageDay[], prices: Prices): { day: string; parts: CostParts; messages: number }[] {
  let month = '';
  let redisSoFar = 0;
  return days.map(({ day, metrics }) => {
    if (day.slice(0, 7) !== month) {
      month = day.slice(0, 7);
      redisSoFar = 0;
    }
    const redis = metrics['redis.commands'] ?? 0;
    const redisBilled = beyond(redisSoFar + redis, FREE_TIERS.redisCommandsPerMonth) - beyond(redisSoFar, FREE_TIERS.redisCommandsPerMonth);
    redisSoFar += redis;
    return {
      day,
      messages: metrics['messages.received'] ?? 0,
      parts: {
        model:
          ((metrics['model.input_tokens'] ?? 0) * prices.modelInputPerMTok + (metrics['model.output_tokens'] ?? 0) * prices.modelOutputPerMTok) / 1e6,
        qstash: (beyond(metrics['queue.messages'] ?? 0, FREE_TIERS.qstashMessagesPerDay) * prices.qstashPer100k) / 1e5,
        redis: (redisBilled * prices.redisPer100k) / 1e5,
        workers: (beyond(metrics['functions.requests'] ?? 0, FREE_TIERS.workersRequestsPerDay) * prices.workersPerMillion) / 1e6,
      },
    };
  });
}

/** The days' costs added up, and divided by the customer messages they served. */
export function sumCosts(days: ReturnType<typeof costPerDay>): CostSummary {
  const parts: CostParts = { model: 0, qstash: 0, redis: 0, workers: 0 };
  let messages = 0;
  for (const day of days) {
    messages += day.messages;
    for (const key of Object.keys(parts) as (keyof CostParts)[]) parts[key] += day.parts[key];
  }
  const total = parts.model + parts.qstash + parts.redis + parts.workers;
  return {
    total: money(total),
    perMessage: messages > 0 ? money(total / messages) : null,
    messages,
    parts: { model: money(parts.model), qstash: money(parts.qstash), redis: money(parts.redis), workers: money(parts.workers) },
  };
}

const beyond = (used: number, allowance: number) => Math.max(0, used - allowance);

/** Eight decimals: a message's share of a token price is far below a cent, and must not show as 0. */
const money = (n: number) => Math.round(n * 1e8) / 1e8;
