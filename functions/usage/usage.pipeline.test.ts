import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import type { Usage } from './read-usage.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'A croissant is 2 euros.' });
});
afterAll(() => t?.stop());

const get = (path: string, key = t.adminKey) => fetch(`${t.stack.urls.functions}${path}`, { headers: { authorization: `Bearer ${key}` } });

/** Sums each metric over the days of the answer (a test running across midnight UTC sees two days). */
const totals = (usage: Usage) => {
  const sum: Record<string, number> = {};
  for (const d of usage.days) for (const [m, n] of Object.entries(d.metrics)) sum[m] = (sum[m] ?? 0) + n;
  return sum;
};

describe('GET /v1/usage, after a customer message through the real stack', () => {
  it('shows what the message cost upstream, counted as it happened', async () => {
    const first = t.customerWrites('15550109001', 'How much is a croissant?');
    await eventually(() => t.sentTo('15550109001').length >= 1, 'the reply');
    // The same WhatsApp message again (an offline replay): one more queue message, not one more received.
    t.customerWrites('15550109001', 'How much is a croissant?', { id: first.key.id!, type: 'append' });
    await t.idle();

    const { standIns, functions } = t.stack;
    const deliveries = standIns.qstash.stats.deliveries; // QStash bills each delivery attempt
    const redisCommands = standIns.redis.stats.commands; // only the functions use Redis
    await functions.services.usage.flushNow(functions.services.db);

    const res = await get('/v1/usage?days=2');
    expect(res.status).toBe(200);
    const usage = (await res.json()) as Usage;
    const m = totals(usage);

    // Counted by the functions around every request and Redis call.
    expect(deliveries).toBeGreaterThanOrEqual(2);
    expect(m['queue.messages']).toBe(deliveries);
    expect(m['functions.requests']).toBe(deliveries); // nothing but the queue has called the functions yet
    expect(redisCommands).toBeGreaterThanOrEqual(1);
    expect(m['redis.commands']).toBe(redisCommands);

    // Counted in the pipeline: once per stored customer message, per reply sent, per model call.
    expect(m['messages.received']).toBe(1);
    expect(m['messages.sent']).toBeGreaterThanOrEqual(1);
    expect(m['model.calls']).toBe(1);
    expect(m['model.input_tokens']).toBe(42); // what the fake model reports
    expect(m['model.output_tokens']).toBe(7);

    expect(usage.perMessage).toEqual({ queueMessages: deliveries, redisCommands, functionRequests: deliveries });
    expect(usage.freeTiers?.tiers[0]).toMatchObject({ tier: 'QStash', perMessage: deliveries, messagesPerDay: Math.floor(1000 / deliveries) });
    expect(usage.limits[0]).toEqual({
      tier: 'QStash messages',
      used: usage.today.metrics['queue.messages'],
      limit: 1000,
      period: 'day',
      percent: Math.round((usage.today.metrics['queue.messages']! / 1000) * 1000) / 10,
    });
  });

  it('counts its own requests too, and takes 1–90 days', async () => {
    const functions = t.stack.functions;
    const requests = async () => {
      await functions.services.usage.flushNow(functions.services.db);
      return totals((await (await get('/v1/usage?days=2')).json()) as Usage)['functions.requests'] ?? 0;
    };
    const before = await requests();
    expect(await requests()).toBe(before + 1);

    expect(((await (await get('/v1/usage')).json()) as Usage).days).toHaveLength(7);
    expect(((await (await get('/v1/usage?days=90')).json()) as Usage).days).toHaveLength(90);
    for (const days of ['0', '91', 'abc', '', '1.5', '-1']) {
      const res = await get(`/v1/usage?days=${days}`);
      expect(res.status, `days=${days}`).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^days: /);
    }
  });
});
