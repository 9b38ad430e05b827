import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const HOUR = 3_600_000;

describe('retries and the DLQ', () => {
  it('retries after 500s and delivers once on the third attempt', async () => {
    harness = await startHarness({ respond: (_r, n) => new Response(n < 2 ? 'boom' : 'ok', { status: n < 2 ? 500 : 200 }) });
    const { messageId } = await harness.client.publishJSON({ url: `${harness.destination}/flaky`, body: { a: 1 } });
    await harness.standIn.idle();
    expect(harness.received.map((r) => r.headers.get('upstash-retried'))).toEqual(['0', '1', '2']);
    expect(new Set(harness.received.map((r) => r.headers.get('upstash-message-id')))).toEqual(new Set([messageId]));
    expect(harness.standIn.stats).toMatchObject({ published: 1, deliveries: 3, failedDeliveries: 2 });
    expect((await harness.client.dlq.listMessages()).messages).toEqual([]);
    expect((await harness.client.messages.get(messageId)) as unknown).toMatchObject({ state: 'DELIVERED' });
  });

  it('sends a 489 with Upstash-NonRetryable-Error straight to the DLQ', async () => {
    harness = await startHarness({
      respond: () => new Response('bad payload', { status: 489, headers: { 'Upstash-NonRetryable-Error': 'true' } }),
    });
    const url = `${harness.destination}/strict`;
    const { messageId } = await harness.client.publishJSON({ url, body: { a: 1 }, retries: 3 });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(1);
    const { messages } = await harness.client.dlq.listMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      messageId,
      url,
      method: 'POST',
      body: JSON.stringify({ a: 1 }),
      responseStatus: 489,
      responseBody: 'bad payload',
      maxRetries: 3,
    });
    expect(messages[0]?.header?.['Content-Type']).toEqual(['application/json']);
    expect(messages[0]?.dlqId).toBeTruthy();
  });

  it('retries a 489 that lacks the non-retryable header like any failure', async () => {
    harness = await startHarness({ respond: () => new Response('', { status: 489 }) });
    await harness.client.publishJSON({ url: `${harness.destination}/x`, body: {}, retries: 1 });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(2);
  });

  it('moves a message to the DLQ when retries are exhausted, and can retry or delete it there', async () => {
    let healthy = false;
    harness = await startHarness({ respond: () => new Response(healthy ? 'ok' : 'down', { status: healthy ? 200 : 503 }) });
    const url = `${harness.destination}/down`;
    await harness.client.publishJSON({ url, body: { n: 1 }, retries: 2 });
    await harness.client.publishJSON({ url, body: { n: 2 }, retries: 0 });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(3 + 1);
    // The DLQ lists in order of failure; n=2 had no retries, so sort for a stable comparison.
    const messages = (await harness.client.dlq.listMessages()).messages.sort((a, b) => (a.body ?? '').localeCompare(b.body ?? ''));
    expect(messages.map((m) => [m.body, m.responseStatus, m.responseBody])).toEqual([
      [JSON.stringify({ n: 1 }), 503, 'down'],
      [JSON.stringify({ n: 2 }), 503, 'down'],
    ]);

    healthy = true;
    const retried = await harness.client.dlq.retry(messages[0]?.dlqId ?? '');
    expect(retried.responses).toHaveLength(1);
    await harness.client.dlq.delete(messages[1]?.dlqId ?? '');
    await harness.standIn.idle();
    expect(harness.received.at(-1)?.body).toBe(JSON.stringify({ n: 1 }));
    expect(harness.received.at(-1)?.headers.get('upstash-retried')).toBe('0');
    expect((await harness.client.dlq.listMessages()).messages).toEqual([]);
  });

  it('lets Upstash-Retry-Delay override the backoff', async () => {
    // The stand-in's own backoff is an hour: only the message's expression can make this finish.
    harness = await startHarness({ retryDelayMs: () => HOUR, respond: (_r, n) => new Response('', { status: n === 0 ? 500 : 200 }) });
    await harness.client.publishJSON({ url: `${harness.destination}/x`, body: {}, retryDelay: 'max(0, 10 * retried - 5)' });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(2);
  });

  it("honours the destination's Retry-After", async () => {
    harness = await startHarness({
      retryDelayMs: () => HOUR,
      respond: (_r, n) => (n === 0 ? new Response('', { status: 429, headers: { 'Retry-After': '0' } }) : new Response('ok')),
    });
    await harness.client.publishJSON({ url: `${harness.destination}/x`, body: {} });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(2);
  });

  it('treats a refused connection as a failed attempt', async () => {
    harness = await startHarness();
    await harness.client.publishJSON({ url: 'http://127.0.0.1:9/unreachable', body: {}, retries: 1 });
    await harness.standIn.idle();
    expect(harness.standIn.stats).toMatchObject({ deliveries: 2, failedDeliveries: 2 });
    const { messages } = await harness.client.dlq.listMessages();
    expect(messages[0]?.responseStatus).toBeUndefined();
    expect(messages[0]).toHaveProperty('error');
  });

  it('aborts an attempt after Upstash-Timeout', async () => {
    let release: () => void = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    harness = await startHarness({ respond: async () => (await hung, new Response('late')) });
    await harness.client.publishJSON({ url: `${harness.destination}/slow`, body: {}, retries: 0, timeout: '1s' });
    await harness.standIn.idle();
    release();
    const { messages } = await harness.client.dlq.listMessages();
    expect(messages[0]).toMatchObject({ error: 'timeout' });
  });
});
