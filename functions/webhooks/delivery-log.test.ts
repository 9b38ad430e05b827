import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen } from '../../local/listen.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';

/** What the console's Integrations page shows of a webhook, and its "redeliver" button. */

const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

let h: Harness;
let receiver: Awaited<ReturnType<typeof listen>>;
/** The receiver answers this status; a test flips it to 200 to "fix" it. */
let answer = 500;
const received: string[] = [];

beforeAll(async () => {
  // Two retries that come at once: three attempts, then the delivery is failed.
  h = await startHarness({ env: { WEBHOOK_RETRIES: '2', WEBHOOK_RETRY_DELAY: '10', WEBHOOK_PAUSE_AFTER_FAILURES: '50' } });
  receiver = await listen(
    new Hono().post('/hook', async (c) => {
      received.push(c.req.header('webhook-id') ?? '');
      await c.req.text();
      return c.body('down for maintenance', answer as 500);
    }).fetch,
  );
});
afterAll(async () => {
  await h?.close();
  await receiver?.close();
});

type Delivery = { id: string; event: string; status: string; attempts: { attempt: number; statusCode: number | null }[]; lastStatusCode: number | null };

describe('a subscription’s deliveries', () => {
  it('lists each delivery with its attempts, and sends a failed one again on request, with the same webhook-id', async () => {
    const created = (await (await h.call('/v1/webhooks', { method: 'POST', json: { url: `${receiver.url}/hook`, events: ['conversation.paused'] } })).json()) as {
      id: string;
    };
    // Something happens that the subscriber wants: a conversation is paused through the API.
    const sent = (await (await h.call('/v1/messages', { method: 'POST', json: { to: '4917100000001', text: 'hi' } })).json()) as { conversationId: string };
    expect((await h.call(`/v1/conversations/${sent.conversationId}/pause`, { method: 'POST', json: {} })).status).toBe(200);

    const failed = await until(async () => {
      const res = await h.call(`/v1/webhooks/${created.id}/deliveries`);
      expect(res.status).toBe(200);
      const { data } = (await res.json()) as { data: Delivery[] };
      expect(data[0]?.status).toBe('failed');
      return data[0]!;
    });
    expect(failed.event).toBe('conversation.paused');
    expect(failed.attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(received).toEqual([failed.id, failed.id, failed.id]);

    answer = 200;
    const again = await h.call(`/v1/webhooks/${created.id}/deliveries/${failed.id}/redeliver`, { method: 'POST' });
    expect(again.status).toBe(202);
    const delivered = await until(async () => {
      const { data } = (await (await h.call(`/v1/webhooks/${created.id}/deliveries?limit=1`)).json()) as { data: Delivery[] };
      expect(data[0]?.status).toBe('delivered');
      return data[0]!;
    });
    expect(delivered.attempts.at(-1)).toMatchObject({ attempt: 4, statusCode: 200 });
    expect(received).toEqual([failed.id, failed.id, failed.id, failed.id]);
  });

  it('answers 404 for an unknown subscription or delivery, and 400 for a malformed delivery id', async () => {
    expect((await h.call(`/v1/webhooks/${crypto.randomUUID()}/deliveries`)).status).toBe(404);
    const unknown = await h.call(`/v1/webhooks/${crypto.randomUUID()}/deliveries/msg_${'0'.repeat(32)}/redeliver`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    const malformed = await h.call(`/v1/webhooks/${crypto.randomUUID()}/deliveries/nope/redeliver`, { method: 'POST' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toBe('deliveryId: must be a delivery id (msg_…)');
  });
});
