import { eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webhookAttempts, webhookDeliveries } from '../../drizzle/schema.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { listen } from '../../test-support/listen.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { emitWebhookEvent } from './emit.ts';

type Received = { headers: Record<string, string>; body: string; answered: number };

/** A subscriber's endpoint: records every request and answers with `answer(n)` for the n-th (0-based). */
async function startReceiver(answer: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const server = await listen(async (req) => {
    const status = answer(received.length);
    received.push({ headers: Object.fromEntries(req.headers), body: await req.text(), answered: status });
    return new Response(status < 300 ? 'ok' : 'nope', { status });
  });
  return { url: `${server.url}/hook`, received, close: server.close };
}

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

let h: Harness;
beforeAll(async () => {
  // Retries come at once; two of them, so a third attempt is the last.
  h = await startHarness({ env: { WEBHOOK_RETRIES: '2', WEBHOOK_RETRY_DELAY: '10' } });
});
afterAll(() => h?.close());

async function subscribe(url: string, events: string[]) {
  const res = await h.call('/v1/webhooks', { method: 'POST', json: { url, events } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string };
}

const randomPhone = () => `4917${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;

describe('signed deliveries', () => {
  it('a real inbound message reaches the subscriber, signed per Standard Webhooks', async () => {
    const receiver = await startReceiver();
    const { secret } = await subscribe(receiver.url, ['message.received']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(await (await h.call('/v1/webhooks')).text()).not.toContain(secret);

    // A customer writes: the fake socket emits what Baileys emits, the stack stores it.
    const phone = randomPhone();
    await until(() => expect(h.fake?.latest()?.state).toBe('open'));
    h.fake!.latest()!.inject({ from: phone, text: 'Hola, ¿abren mañana?', pushName: 'Ana' });
    const stored = await until(async () => {
      const { data } = (await (await h.call('/v1/conversations')).json()) as { data: { id: string; phone: string; contactJid: string; name: string }[] };
      const conversation = data.find((c) => c.phone === phone);
      expect(conversation).toBeDefined();
      const page = (await (await h.call(`/v1/conversations/${conversation!.id}/messages`)).json()) as {
        data: { id: string; direction: string; text: string; status: string; author: string; createdAt: string; conversationId: string }[];
      };
      const message = page.data.find((m) => m.direction === 'in');
      expect(message).toBeDefined();
      return { conversation: conversation!, message: message! };
    });

    // The pipeline's call, keyed by the message id (a second emit of it is the same delivery).
    const data = {
      sessionId: 'default',
      conversationId: stored.conversation.id,
      message: stored.message as never,
      contact: { jid: stored.conversation.contactJid, phone, name: stored.conversation.name },
    };
    await emitWebhookEvent(h.services, 'message.received', data, { key: stored.message.id });
    await emitWebhookEvent(h.services, 'message.received', data, { key: stored.message.id });

    await until(() => expect(receiver.received.length).toBeGreaterThan(0));
    await h.qstash.idle();
    const mine = receiver.received.filter((r) => r.body.includes(stored.message.id));
    expect(mine).toHaveLength(1);
    const [delivery] = mine;
    expect(delivery!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(delivery!.headers['content-type']).toBe('application/json');
    const verified = new Webhook(secret).verify(delivery!.body, delivery!.headers) as {
      type: string;
      timestamp: string;
      data: { message: { id: string; text: string }; contact: { phone: string; name: string } };
    };
    expect(verified.type).toBe('message.received');
    expect(verified.data.message).toMatchObject({ id: stored.message.id, text: 'Hola, ¿abren mañana?' });
    expect(verified.data.contact).toMatchObject({ phone, name: 'Ana' });
    // Tampering is detected.
    expect(() => new Webhook(secret).verify(delivery!.body.replace('Hola', 'Hallo'), delivery!.headers)).toThrow();
    await receiver.close();
  });

  it('a subscriber failing twice gets the delivery on the third attempt, once; every attempt is recorded', async () => {
    const receiver = await startReceiver((n) => (n < 2 ? 500 : 200));
    const { secret } = await subscribe(receiver.url, ['conversation.paused']);
    const sent = await h.call('/v1/messages', { method: 'POST', json: { to: randomPhone(), text: 'hi' } });
    const { conversationId } = (await sent.json()) as { conversationId: string };

    expect((await h.call(`/v1/conversations/${conversationId}/pause`, { method: 'POST', json: { minutes: 15 } })).status).toBe(200);
    await until(() => expect(receiver.received.some((r) => r.answered === 200)).toBe(true));
    await h.qstash.idle();

    expect(receiver.received.map((r) => r.answered)).toEqual([500, 500, 200]);
    const ids = new Set(receiver.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const r of receiver.received) {
      const event = new Webhook(secret).verify(r.body, r.headers) as { type: string; data: { conversationId: string; by: string } };
      expect(event).toMatchObject({ type: 'conversation.paused', data: { conversationId, by: 'api' } });
    }
    const deliveryId = [...ids][0]!;
    const [delivery] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    const attempts = await h.db.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, deliveryId));
    expect(attempts.map((a) => [a.attempt, a.statusCode]).sort()).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ]);
    await receiver.close();
  });

  it('a subscriber that never succeeds is given up after the last retry, and the delivery says so', async () => {
    const receiver = await startReceiver(() => 503);
    await subscribe(receiver.url, ['conversation.resumed']);
    const sent = await h.call('/v1/messages', { method: 'POST', json: { to: randomPhone(), text: 'hi' } });
    const { conversationId } = (await sent.json()) as { conversationId: string };
    expect((await h.call(`/v1/conversations/${conversationId}/resume`, { method: 'POST' })).status).toBe(200);
    await until(() => expect(receiver.received.length).toBe(3));
    await h.qstash.idle();
    expect(receiver.received).toHaveLength(3);
    const deliveryId = receiver.received[0]!.headers['webhook-id']!;
    const [delivery] = await h.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId));
    expect(delivery).toMatchObject({ status: 'failed', attempts: 3, lastStatusCode: 503 });
    await receiver.close();
  });

  it('an event nobody subscribed to costs no queue message; an unsubscribed URL gets nothing more', async () => {
    const receiver = await startReceiver();
    const { id } = await subscribe(receiver.url, ['session.status']);
    expect((await h.call(`/v1/webhooks/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.call(`/v1/webhooks/${id}`, { method: 'DELETE' })).status).toBe(404);
    const published = h.qstash.stats.published;
    const result = await emitWebhookEvent(h.services, 'session.status', { sessionId: 'default', status: 'open', reason: null, phone: null });
    expect(result.deliveries).toBe(0);
    expect(h.qstash.stats.published).toBe(published);
    await h.qstash.idle();
    expect(receiver.received).toHaveLength(0);
    await receiver.close();
  });

  it('refuses data that does not match the event’s schema', async () => {
    const receiver = await startReceiver();
    await subscribe(receiver.url, ['message.status']);
    await expect(emitWebhookEvent(h.services, 'message.status', { status: 'exploded' } as never)).rejects.toThrow(/schema/);
    await receiver.close();
  });

  it('the delivery hook accepts only QStash-signed requests, and sends an undecodable job to the dead-letter list', async () => {
    const url = `${h.base}/hooks/webhook-delivery`;
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"deliveryId":"msg_00"}' });
    expect(unsigned.status).toBe(401);
    const body = '{"deliveryId":"not-one-of-ours"}';
    const signature = await signQStashJwt({
      signingKey: h.services.config.QSTASH_CURRENT_SIGNING_KEY,
      url: new URL('/hooks/webhook-delivery', h.services.config.PUBLIC_URL).toString(),
      body: new TextEncoder().encode(body),
    });
    const garbage = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body });
    expect(garbage.status).toBe(489);
    expect(garbage.headers.get('upstash-nonretryable-error')).toBe('true');
  });
});
