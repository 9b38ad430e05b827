import { QstashDailyRatelimitError, QstashError } from '@upstash/qstash';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDailyQuota } from './daily-quota.ts';
import { planFromEnv, PLANS } from './plan.ts';
import { emptyState } from './store.ts';
import { startHarness, type Harness } from './test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

/** The QstashError a call fails with (the SDK logs each refusal; that noise is expected here). */
async function refusal(call: () => Promise<unknown>): Promise<QstashError> {
  vi.spyOn(console, 'error').mockImplementation(() => {});
  const error = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(QstashError);
  return error as QstashError;
}

describe('the free plan (the default)', () => {
  it('refuses more than 3 retries with 412 and a JSON error, and accepts 3', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/x`;
    const error = await refusal(() => harness!.client.publishJSON({ url, body: {}, retries: 4 }));
    expect(error.status).toBe(412);
    expect(JSON.parse(error.message)).toEqual({ error: expect.stringMatching(/Upstash-Retries 4 exceeds .*maximum of 3/) });
    const queued = await refusal(() => harness!.client.queue({ queueName: 'q' }).enqueueJSON({ url, body: {}, retries: 20 }));
    expect(queued.status).toBe(412);
    await expect(harness.client.publishJSON({ url, body: {}, retries: 3 })).resolves.toHaveProperty('messageId');
  });

  it('refuses a message over 1 MB with 413 and accepts one of exactly 1 MB', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/x`;
    const error = await refusal(() => harness!.client.publish({ url, body: 'x'.repeat(1024 * 1024 + 1) }));
    expect(error.status).toBe(413);
    await expect(harness.client.publish({ url, body: 'x'.repeat(1024 * 1024) })).resolves.toHaveProperty('messageId');
  });

  it('refuses queue parallelism over 2 and an eleventh queue with 412', async () => {
    harness = await startHarness();
    expect((await refusal(() => harness!.client.queue({ queueName: 'wide' }).upsert({ parallelism: 3 }))).status).toBe(412);
    await harness.client.queue({ queueName: 'wide' }).upsert({ parallelism: 2 });
    for (let n = 2; n <= 10; n++) await harness.client.queue({ queueName: `q${n}` }).upsert({ parallelism: 1 });
    expect((await refusal(() => harness!.client.queue({ queueName: 'q11' }).upsert({ parallelism: 1 }))).status).toBe(412);
    const url = `${harness.destination}/x`;
    expect((await refusal(() => harness!.client.queue({ queueName: 'q11' }).enqueueJSON({ url, body: {} }))).status).toBe(412);
  });

  it('refuses flow-control parallelism over 10 with 412', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/x`;
    const error = await refusal(() => harness!.client.publishJSON({ url, body: {}, flowControl: { key: 'k', parallelism: 11 } }));
    expect(error.status).toBe(412);
    await expect(harness.client.publishJSON({ url, body: {}, flowControl: { key: 'k', parallelism: 10 } })).resolves.toHaveProperty(
      'messageId',
    );
  });

  it('counts every delivery attempt, retries included, and refuses publishes past 1,000 a day with 429', async () => {
    harness = await startHarness({
      respond: (r) => new Response('', { status: r.url.endsWith('/flaky') && r.headers.get('upstash-retried') === '0' ? 500 : 200 }),
    });
    // One message delivered on its second attempt: two billed messages.
    await harness.client.publishJSON({ url: `${harness.destination}/flaky`, body: {} });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(2);
    const url = `${harness.destination}/x`;
    await harness.client.batchJSON(Array.from({ length: 998 }, (_, n) => ({ url, body: { n } })));

    const error = await refusal(() => harness!.client.publishJSON({ url, body: {} }));
    expect(error).toBeInstanceOf(QstashDailyRatelimitError);
    const daily = error as QstashDailyRatelimitError;
    expect(daily.status).toBe(429);
    expect([daily.limit, daily.remaining]).toEqual(['1000', '0']);
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(Number(daily.reset)).toBe(midnight.getTime() / 1000);
    expect(await refusal(() => harness!.client.batchJSON([{ url, body: {} }]))).toBeInstanceOf(QstashDailyRatelimitError);
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(1000);
  });

  it('starts a new count at UTC midnight', () => {
    const quota = createDailyQuota(emptyState(), 2);
    const lastMinute = Date.parse('2026-03-01T23:59:00Z');
    quota.count(lastMinute);
    quota.count(lastMinute);
    expect(quota.remaining(lastMinute)).toBe(0);
    expect(quota.headers(lastMinute)['RateLimit-Reset']).toBe(String(Date.parse('2026-03-02T00:00:00Z') / 1000));
    expect(quota.remaining(Date.parse('2026-03-02T00:00:00Z'))).toBe(2);
  });
});

describe('the pay-as-you-go plan', () => {
  it('accepts what the free plan refuses, up to its own limits', async () => {
    harness = await startHarness({ plan: 'payg' });
    const url = `${harness.destination}/x`;
    await expect(harness.client.publish({ url, body: 'x'.repeat(2 * 1024 * 1024), retries: 5 })).resolves.toHaveProperty('messageId');
    await harness.client.queue({ queueName: 'wide' }).upsert({ parallelism: 10 });
    expect((await refusal(() => harness!.client.publishJSON({ url, body: {}, retries: 6 }))).status).toBe(412);
  });

  it('is chosen with QSTASH_PLAN, free unless said otherwise', () => {
    expect(planFromEnv(undefined)).toBe(PLANS.free);
    expect(planFromEnv('')).toBe(PLANS.free);
    expect(planFromEnv('payg')).toBe(PLANS.payg);
    expect(() => planFromEnv('pro')).toThrow(/QSTASH_PLAN must be "free" or "payg"/);
  });
});
