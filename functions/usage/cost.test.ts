import { describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, type Prices } from '../../shared/config/prices.ts';
import { costPerDay, sumCosts } from './cost.ts';
import type { UsageDay } from './read-usage.ts';

const prices: Prices = { currency: 'EUR', modelInputPerMTok: 0.5, modelOutputPerMTok: 2, qstashPer100k: 1, redisPer100k: 0.2, workersPerMillion: 0.3 };

describe('cost of the counted usage', () => {
  it('charges the model per token and nothing within the free tiers', () => {
    const days: UsageDay[] = [
      {
        day: '2031-05-01',
        metrics: { 'messages.received': 400, 'model.input_tokens': 2_000_000, 'model.output_tokens': 100_000, 'queue.messages': 1_000, 'redis.commands': 9_000, 'functions.requests': 100_000 },
      },
    ];
    const [day] = costPerDay(days, prices);
    // 2M × 0.5/M + 0.1M × 2/M; QStash, Redis and Workers exactly at their free allowance.
    expect(day!.parts).toEqual({ model: 1.2, qstash: 0, redis: 0, workers: 0 });
    expect(sumCosts(costPerDay(days, prices))).toEqual({ total: 1.2, perMessage: 0.003, messages: 400, parts: { model: 1.2, qstash: 0, redis: 0, workers: 0 } });
  });

  it('charges what goes past a daily allowance on that day only', () => {
    const costs = costPerDay(
      [
        { day: '2031-05-01', metrics: { 'queue.messages': 51_000, 'functions.requests': 2_100_000, 'messages.received': 10 } },
        { day: '2031-05-02', metrics: { 'queue.messages': 900, 'functions.requests': 90_000, 'messages.received': 10 } },
      ],
      prices,
    );
    // 50,000 messages past 1,000 at 1 per 100K; 2M requests past 100K at 0.3 per million.
    expect(costs[0]!.parts).toEqual({ model: 0, qstash: 0.5, redis: 0, workers: 0.6 });
    expect(costs[1]!.parts).toEqual({ model: 0, qstash: 0, redis: 0, workers: 0 });
    expect(sumCosts(costs)).toMatchObject({ total: 1.1, perMessage: 0.055, messages: 20 });
  });

  it('charges Redis for the commands that take the month past 500,000, and starts afresh each month', () => {
    const costs = costPerDay(
      [
        { day: '2031-05-30', metrics: { 'redis.commands': 450_000 } },
        { day: '2031-05-31', metrics: { 'redis.commands': 150_000 } }, // 100,000 past the allowance
        { day: '2031-06-01', metrics: { 'redis.commands': 150_000 } }, // a new month: free again
      ],
      prices,
    );
    expect(costs.map((c) => c.parts.redis)).toEqual([0, 0.2, 0]);
  });

  it('has no cost per message before the first message, and prices nothing but the services by default', () => {
    expect(sumCosts(costPerDay([{ day: '2031-05-01', metrics: {} }], prices))).toEqual({ total: 0, perMessage: null, messages: 0, parts: { model: 0, qstash: 0, redis: 0, workers: 0 } });
    const [day] = costPerDay([{ day: '2031-05-01', metrics: { 'model.input_tokens': 5_000_000, 'model.output_tokens': 5_000_000, 'queue.messages': 101_000 } }], DEFAULT_PRICES);
    expect(day!.parts).toEqual({ model: 0, qstash: 1, redis: 0, workers: 0 });
    expect(DEFAULT_PRICES.currency).toBe('USD');
  });

  it('keeps a fraction of a cent per message visible', () => {
    const costs = costPerDay([{ day: '2031-05-01', metrics: { 'messages.received': 3, 'model.input_tokens': 126, 'model.output_tokens': 21 } }], prices);
    // (126 × 0.5 + 21 × 2) / 1M = 0.000105, a third of it per message.
    expect(sumCosts(costs)).toMatchObject({ total: 0.000105, perMessage: 0.000035 });
  });
});
