import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import { startHarness, type Harness } from './test-harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const randomPhone = () => `4916${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

function send(body: unknown, idempotencyKey?: string, key?: string) {
  return h.call('/v1/messages', { method: 'POST', json: body, key, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
}

async function storedFor(phone: string) {
  return await h.db
    .select({ id: messages.id, status: messages.status, text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.phone, phone), eq(messages.author, 'api')));
}

describe('POST /v1/messages', () => {
  it('stores the message as the API’s, sends it through the socket-host, and answers 202 queued', async () => {
    const phone = randomPhone();
    const res = await send({ to: `+${phone}`, text: 'Your order shipped.' });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { id: string; conversationId: string; status: string };
    expect(body.status).toBe('queued');
    await until(() => expect(h.fake!.sent(phone).map((s) => s.text)).toEqual(['Your order shipped.']));
    await until(async () => expect((await storedFor(phone))[0]).toMatchObject({ id: body.id, status: 'sent' }));
    const page = (await (await h.call(`/v1/conversations/${body.conversationId}/messages`)).json()) as { data: unknown[] };
    expect(page.data).toEqual([
      expect.objectContaining({ id: body.id, direction: 'out', author: 'api', text: 'Your order shipped.', status: 'sent' }),
    ]);
  });

  it('with an Idempotency-Key: a retry gets the first answer again and the customer gets one message', async () => {
    const phone = randomPhone();
    const key = `order-${crypto.randomUUID()}`;
    const first = await send({ to: phone, text: 'Once only' }, key);
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));

    const again = await send({ text: 'Once only', to: phone }, key); // same body, other key order
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(firstBody);

    await h.qstash.idle();
    expect(h.fake!.sent(phone)).toHaveLength(1);
    expect(await storedFor(phone)).toHaveLength(1);
  });

  it('the same key with another body is a 409; another API key may use the same key freely', async () => {
    const phone = randomPhone();
    const key = `k-${crypto.randomUUID()}`;
    expect((await send({ to: phone, text: 'first' }, key)).status).toBe(202);
    const conflict = await send({ to: phone, text: 'second' }, key);
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const other = await h.createKey(['messages:write']);
    expect((await send({ to: phone, text: 'second' }, key, other.key)).status).toBe(202);
    await until(async () => expect((await storedFor(phone)).map((m) => m.text).sort()).toEqual(['first', 'second']));
  });

  it('concurrent retries with one key store and send one message', async () => {
    const phone = randomPhone();
    const key = `burst-${crypto.randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => send({ to: phone, text: 'burst' }, key)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    // The others are either replays of that answer or told to retry shortly.
    for (const s of statuses) expect([202, 409]).toContain(s);
    const ids = new Set(
      await Promise.all(answers.filter((r) => r.status === 202).map(async (r) => ((await r.json()) as { id: string }).id)),
    );
    expect(ids.size).toBe(1);
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));
    await h.qstash.idle();
    expect(h.fake!.sent(phone)).toHaveLength(1);
    expect(await storedFor(phone)).toHaveLength(1);
  });
});
