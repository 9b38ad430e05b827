import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKeys } from '../../drizzle/schema.ts';
import { startHarness, type Harness } from './test-harness.ts';

// The real @upstash/ratelimit, through the Upstash-REST stand-in, against the real Redis.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { API_RATE_LIMIT_PER_KEY: '5/1 m', API_RATE_LIMIT_PER_CONTACT: '2/1 h' } });
});
afterAll(() => h?.close());

function expectLimitHeaders(res: Response, limit: number, remaining: number) {
  expect(res.headers.get('ratelimit-limit')).toBe(String(limit));
  expect(res.headers.get('ratelimit-remaining')).toBe(String(remaining));
  const reset = Number(res.headers.get('ratelimit-reset'));
  expect(Number.isInteger(reset)).toBe(true);
  expect(reset).toBeGreaterThanOrEqual(0);
  expect(reset).toBeLessThanOrEqual(60);
}

describe('per API key', () => {
  it('counts every request, says so in RateLimit-* headers, and answers 429 past the limit', async () => {
    const { key } = await h.createKey(['conversations:read']);
    for (const remaining of [4, 3, 2, 1, 0]) {
      const res = await h.call('/v1/conversations', { key });
      expect(res.status).toBe(200);
      expectLimitHeaders(res, 5, remaining);
    }
    const refused = await h.call('/v1/conversations', { key });
    expect(refused.status).toBe(429);
    expectLimitHeaders(refused, 5, 0);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.requestId).toBeTruthy();

    // Errors count too, and are limited alike: the budget is the key's, not the route's.
    expect((await h.call('/v1/agent', { key })).status).toBe(429);
    // Another key has its own budget.
    const other = await h.createKey(['conversations:read']);
    expect((await h.call('/v1/conversations', { key: other.key })).status).toBe(200);
  });
});

describe('per WhatsApp contact on POST /v1/messages', () => {
  it('refuses the third message to one contact within the window, over all keys', async () => {
    // The admin key's own budget is small here: one key sends and reads.
    const a = await h.createKey(['messages:write', 'conversations:read']);
    const b = await h.createKey(['messages:write']);
    const to = `49151${Math.floor(Math.random() * 1e7).toString().padStart(7, '0')}`;
    expect((await h.call('/v1/messages', { method: 'POST', key: a.key, json: { to, text: 'one' } })).status).toBe(202);
    expect((await h.call('/v1/messages', { method: 'POST', key: b.key, json: { to: `+${to}`, text: 'two' } })).status).toBe(202);
    const idempotencyKey = crypto.randomUUID();
    const refused = await h.call('/v1/messages', {
      method: 'POST',
      key: a.key,
      json: { to: `${to}@s.whatsapp.net`, text: 'three' },
      headers: { 'idempotency-key': idempotencyKey },
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-limit')).toBe('2');
    // The limiter's windows are aligned to the clock (whole hours here): Retry-After is the time to the
    // window's end, anything from 1 s (a refusal at 10:59:59) to an hour, and agrees with RateLimit-Reset.
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(retryAfter).toBe(Math.max(1, Number(refused.headers.get('ratelimit-reset'))));
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/contact/);

    // Nothing was stored for the refused one, not even its Idempotency-Key (a retry must do the work).
    expect(await h.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, idempotencyKey))).toHaveLength(0);
    const { data } = (await (await h.call('/v1/conversations', { key: a.key })).json()) as { data: { id: string; phone: string }[] };
    const conversation = data.find((c) => c.phone === to)!;
    const messages = (await (await h.call(`/v1/conversations/${conversation.id}/messages`, { key: a.key })).json()) as { data: { text: string }[] };
    expect(messages.data.map((m) => m.text).sort()).toEqual(['one', 'two']);
    // Another contact is fine.
    expect((await h.call('/v1/messages', { method: 'POST', key: b.key, json: { to: `${to}9`, text: 'hi' } })).status).toBe(202);
  });
});
