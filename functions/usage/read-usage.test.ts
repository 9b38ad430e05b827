import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../shared/db.ts';
import { UsageMeter, type UsageMetric } from './meter.ts';
import type { Prices } from '../../shared/config/prices.ts';
import { readUsage } from './read-usage.ts';
import { startTestDb } from './test-db.ts';

let testDb: Awaited<ReturnType<typeof startTestDb>>;
let db: Db;
beforeAll(async () => {
  testDb = await startTestDb();
  db = testDb.db;
});
afterAll(() => testDb?.close());

/** Stores counts as the meter would have on those days. */
async function counted(day: string, counts: Partial<Record<UsageMetric, number>>) {
  const meter = new UsageMeter({ now: () => Date.parse(`${day}T12:00:00Z`) });
  for (const [metric, n] of Object.entries(counts)) meter.add(metric as UsageMetric, n);
  await meter.flush(db);
}

describe('readUsage', () => {
  it('lists every day of the period, oldest first, and averages the cost of a customer message over it', async () => {
    await counted('2032-07-28', { 'redis.commands': 100_000, 'messages.received': 50 }); // before the period, and last month
    await counted('2032-08-01', { 'redis.commands': 1_000 }); // before the period, this month
    await counted('2032-08-08', { 'messages.received': 3, 'queue.messages': 7, 'redis.commands': 40, 'functions.requests': 9 });
    await counted('2032-08-10', { 'messages.received': 1, 'messages.sent': 2, 'queue.messages': 3, 'redis.commands': 20, 'functions.requests': 7 });
    const now = Date.parse('2032-08-10T18:30:00Z');

    const usage = await readUsage(db, 3, now);
    expect(usage.days).toEqual([
      { day: '2032-08-08', metrics: { 'functions.requests': 9, 'messages.received': 3, 'queue.messages': 7, 'redis.commands': 40 } },
      { day: '2032-08-09', metrics: {} },
      { day: '2032-08-10', metrics: { 'functions.requests': 7, 'messages.received': 1, 'messages.sent': 2, 'queue.messages': 3, 'redis.commands': 20 } },
    ]);
    expect(usage.today).toEqual(usage.days[2]);
    // 4 messages received in the period: (7+3)/4, (40+20)/4, (9+7)/4.
    expect(usage.perMessage).toEqual({ queueMessages: 2.5, redisCommands: 15, functionRequests: 4 });
    expect(usage.freeTiers?.tiers.slice(0, 3)).toEqual([
      { tier: 'QStash', limit: '1,000 messages/day', perMessage: 2.5, messagesPerDay: 400 },
      { tier: 'Upstash Redis', limit: '500K commands/month', perMessage: 15, messagesPerDay: 1111 },
      { tier: 'Workers requests', limit: '100K requests/day', perMessage: 4, messagesPerDay: 25_000 },
    ]);
    expect(usage.freeTiers).toMatchObject({ bindsFirst: 'QStash', messagesPerDay: 400, fits1000PerDay: false });
    expect(usage.limits).toEqual([
      { tier: 'QStash messages', used: 3, limit: 1_000, period: 'day', percent: 0.3 },
      // The month so far, days before the period included, last month's not.
      { tier: 'Upstash Redis commands', used: 1_060, limit: 500_000, period: 'month', percent: 0.2 },
      { tier: 'Workers requests', used: 7, limit: 100_000, period: 'day', percent: 0 },
    ]);
  });

  it('has no per-message figures before the first customer message', async () => {
    await counted('2033-01-05', { 'functions.requests': 2, 'redis.commands': 4 });
    const usage = await readUsage(db, 1, Date.parse('2033-01-05T01:00:00Z'));
    expect(usage.days).toEqual([{ day: '2033-01-05', metrics: { 'functions.requests': 2, 'redis.commands': 4 } }]);
    expect(usage.perMessage).toBeNull();
    expect(usage.freeTiers).toBeNull();
    expect(usage.limits.map((l) => l.used)).toEqual([0, 4, 2]);
  });

  it('reaches back 90 days across a month and a year boundary', async () => {
    await counted('2033-10-05', { 'messages.received': 2, 'queue.messages': 4, 'redis.commands': 10, 'functions.requests': 4 });
    const usage = await readUsage(db, 90, Date.parse('2034-01-02T00:00:00Z'));
    expect(usage.days).toHaveLength(90);
    expect(usage.days[0]!.day).toBe('2033-10-05');
    expect(usage.days[0]!.metrics['messages.received']).toBe(2);
    expect(usage.days.at(-1)!.day).toBe('2034-01-02');
    expect(usage.perMessage).toEqual({ queueMessages: 2, redisCommands: 5, functionRequests: 2 });
    expect(usage.limits[1]!.used).toBe(0); // nothing counted in January yet
  });

  it('prices the period, today and the month, counting the Redis commands of the month before the period', async () => {
    const prices: Prices = { currency: 'EUR', modelInputPerMTok: 1, modelOutputPerMTok: 4, qstashPer100k: 1, redisPer100k: 0.2, workersPerMillion: 0.3 };
    // Before the period but in its first month: uses up the Redis allowance without being in the period.
    await counted('2035-03-02', { 'redis.commands': 480_000 });
    await counted('2035-03-30', { 'messages.received': 4, 'redis.commands': 70_000, 'model.input_tokens': 400_000, 'model.output_tokens': 50_000 });
    await counted('2035-04-01', { 'messages.received': 1, 'redis.commands': 70_000, 'queue.messages': 1_500 });
    const usage = await readUsage(db, 3, Date.parse('2035-04-01T09:00:00Z'), prices);

    expect(usage.days.map((d) => d.day)).toEqual(['2035-03-30', '2035-03-31', '2035-04-01']);
    expect(usage.cost.currency).toBe('EUR');
    expect(usage.cost.prices).toEqual({ modelInputPerMTok: 1, modelOutputPerMTok: 4, qstashPer100k: 1, redisPer100k: 0.2, workersPerMillion: 0.3 });
    // March 30: 0.4 + 0.2 for the model, and the 50,000 commands past March's 500,000 at 0.2 per 100K.
    // April 1: a new month's Redis allowance; 500 QStash messages past the day's 1,000.
    expect(usage.cost.period).toEqual({ total: 0.705, perMessage: 0.141, messages: 5, parts: { model: 0.6, qstash: 0.005, redis: 0.1, workers: 0 } });
    expect(usage.cost.today).toEqual({ total: 0.005, perMessage: 0.005, messages: 1, parts: { model: 0, qstash: 0.005, redis: 0, workers: 0 } });
    expect(usage.cost.month).toEqual(usage.cost.today);
  });
});
