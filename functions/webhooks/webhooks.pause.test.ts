import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webhookDeliveries } from '../../drizzle/schema.ts';
import { listen } from '../../test-support/listen.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { attemptDelivery } from './deliver.ts';
import { emitWebhookEvent } from './emit.ts';

/** A subscriber's endpoint answering `status()` to every request, and counting them. */
async function startReceiver(status: () => number) {
  const received: number[] = [];
  const server = await listen(async (req) => {
    await req.text();
    received.push(status());
    return new Response(null, { status: received.at(-1) });
  });
  return { url: `${server.url}/hook`, received, close: server.close };
}

type Listed = { id: string; state: string; pausedAt: string | null; pausedReason: string | null; consecutiveFailures: number; failingSince: string | null };

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 100 });

let h: Harness;
beforeAll(async () => {
  // Each delivery is retried once, at once; three failed attempts in a row pause a subscriber.
  h = await startHarness({ socketHost: false, env: { WEBHOOK_RETRIES: '1', WEBHOOK_RETRY_DELAY: '10', WEBHOOK_PAUSE_AFTER_FAILURES: '3' } });
});
afterAll(() => h?.close());

async function subscribe(url: string, events: string[]) {
  const res = await h.call('/v1/webhooks', { method: 'POST', json: { url, events } });
  expect(res.status).toBe(201);
  return (await res.json()) as Listed;
}
async function listed(id: string): Promise<Listed | undefined> {
  const { data } = (await (await h.call('/v1/webhooks')).json()) as { data: Listed[] };
  return data.find((w) => w.id === id);
}
const resumed = () => emitWebhookEvent(h.services, 'conversation.resumed', { conversationId: crypto.randomUUID(), by: 'api' });

describe('a subscriber that keeps failing', () => {
  it('is paused after the set number of failed attempts, says why, and costs no queue message after', async () => {
    const receiver = await startReceiver(() => 500);
    const { id, state, consecutiveFailures } = await subscribe(receiver.url, ['conversation.resumed']);
    expect({ state, consecutiveFailures }).toEqual({ state: 'active', consecutiveFailures: 0 });

    // Three events, each worth two attempts: without a pause the subscriber would get six.
    for (let i = 0; i < 3; i++) await resumed();
    const paused = await until(async () => {
      const w = await listed(id);
      expect(w?.state).toBe('paused');
      return w!;
    });
    await h.qstash.idle();
    expect(paused.pausedReason).toMatch(/^the last 3 delivery attempts failed \(last: the subscriber answered HTTP 500\)$/);
    expect(paused.pausedAt).not.toBeNull();
    expect(paused.consecutiveFailures).toBe(3);
    // Its retries still waiting in the queue were cancelled, not spent.
    expect(receiver.received).toHaveLength(3);
    const rows = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id));
    expect(rows.filter((r) => r.status === 'retrying')).toEqual([]);

    // New events are recorded as skipped and not queued at all.
    const before = { ...h.qstash.stats };
    for (let i = 0; i < 5; i++) expect(await resumed()).toEqual({ deliveries: 0 });
    await h.qstash.idle();
    expect(h.qstash.stats.published).toBe(before.published);
    expect(h.qstash.stats.deliveries).toBe(before.deliveries);
    expect(receiver.received).toHaveLength(3);
    const skipped = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, id));
    expect(skipped.filter((r) => r.status === 'skipped').length).toBeGreaterThanOrEqual(5);
    await receiver.close();
  });

  it('is re-enabled by POST /v1/webhooks/{id}/resume, which needs webhooks:write', async () => {
    let answer = 503;
    const receiver = await startReceiver(() => answer);
    const { id } = await subscribe(receiver.url, ['conversation.resumed']);
    for (let i = 0; i < 3; i++) await resumed();
    await until(async () => expect((await listed(id))?.state).toBe('paused'));
    await h.qstash.idle();

    const reader = await h.createKey(['conversations:read']);
    expect((await h.call(`/v1/webhooks/${id}/resume`, { method: 'POST', key: reader.key })).status).toBe(403);
    expect((await h.call(`/v1/webhooks/${crypto.randomUUID()}/resume`, { method: 'POST' })).status).toBe(404);

    answer = 204;
    const res = await h.call(`/v1/webhooks/${id}/resume`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, state: 'active', pausedAt: null, pausedReason: null, consecutiveFailures: 0, failingSince: null });

    const count = receiver.received.length;
    expect(await resumed()).toEqual({ deliveries: 1 });
    await until(() => expect(receiver.received.slice(count)).toEqual([204]));
    await h.qstash.idle();
    expect((await listed(id))?.state).toBe('active');
    await receiver.close();
  });

  it('a success resets the count: failures that are not in a row never pause it', async () => {
    let n = 0;
    // Fails two of every three attempts, never three in a row.
    const receiver = await startReceiver(() => (n++ % 3 === 2 ? 200 : 500));
    const { id } = await subscribe(receiver.url, ['conversation.resumed']);
    for (let i = 0; i < 4; i++) {
      await resumed();
      await h.qstash.idle();
    }
    expect(receiver.received.length).toBeGreaterThanOrEqual(6);
    expect((await listed(id))?.state).toBe('active');
    await receiver.close();
  });
});

describe('a URL stored before the cloud’s address check', () => {
  it('is not posted to in the cloud: the delivery is skipped and the subscription paused, saying why', async () => {
    const receiver = await startReceiver(() => 200);
    // Accepted in local mode, as an internal URL was accepted in the cloud before the check.
    const { id } = await subscribe(receiver.url, ['conversation.paused']);
    const deliveryId = `msg_${'ab'.repeat(16)}`;
    await h.db.insert(webhookDeliveries).values({ id: deliveryId, subscriptionId: id, event: 'conversation.paused', payload: '{}' });

    const cloud = { ...h.services, config: { ...h.services.config, MODE: 'cloud' as const } };
    expect(await attemptDelivery(cloud as typeof h.services, deliveryId, 0)).toBe('skipped');
    expect(receiver.received).toHaveLength(0);
    const [row] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(row).toMatchObject({ status: 'skipped', attempts: 0, lastError: 'url must be an https URL' });
    const w = await listed(id);
    expect(w).toMatchObject({ state: 'paused' });
    expect(w?.pausedReason).toMatch(/URL is not allowed here: it must be an https URL/);
    await receiver.close();
  });
});
