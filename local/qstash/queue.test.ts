import { QstashError } from '@upstash/qstash';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concurrencyProbe, startHarness, type Harness } from './test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

describe('queues', () => {
  it('keeps FIFO order while the head message is being retried', async () => {
    harness = await startHarness({
      respond: (r) => {
        const failFirstTry = JSON.parse(r.body).n === 1 && r.headers.get('upstash-retried') === '0';
        return new Response('', { status: failFirstTry ? 500 : 200 });
      },
    });
    const queue = harness.client.queue({ queueName: 'chat-123' });
    await queue.upsert({ parallelism: 1 });
    const url = `${harness.destination}/turn`;
    for (const n of [1, 2, 3]) await queue.enqueueJSON({ url, body: { n } });
    await harness.standIn.idle();
    expect(harness.received.map((r) => [JSON.parse(r.body).n, r.headers.get('upstash-retried')])).toEqual([
      [1, '0'],
      [1, '1'],
      [2, '0'],
      [3, '0'],
    ]);
  });

  it('waits for a message that finally fails before delivering the next', async () => {
    harness = await startHarness({ respond: (r) => new Response('', { status: JSON.parse(r.body).n === 1 ? 500 : 200 }) });
    const queue = harness.client.queue({ queueName: 'strict' });
    const url = `${harness.destination}/turn`;
    await queue.enqueueJSON({ url, body: { n: 1 }, retries: 2 });
    await queue.enqueueJSON({ url, body: { n: 2 } });
    await harness.standIn.idle();
    expect(harness.received.map((r) => JSON.parse(r.body).n)).toEqual([1, 1, 1, 2]);
    expect((await harness.client.dlq.listMessages()).messages.map((m) => m.queueName)).toEqual(['strict']);
  });

  it('runs up to `parallelism` messages of a queue at once', async () => {
    const probe = concurrencyProbe(2);
    harness = await startHarness({ respond: probe.respond });
    const queue = harness.client.queue({ queueName: 'wide' });
    await queue.upsert({ parallelism: 2 });
    for (const n of [1, 2, 3, 4, 5]) await queue.enqueueJSON({ url: `${harness.destination}/w`, body: { n } });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(5);
    expect(probe.peak()).toBe(2);
  });

  it('upserts, reports, pauses, resumes and deletes a queue', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the SDK logs the expected 404
    harness = await startHarness();
    const queue = harness.client.queue({ queueName: 'ops' });
    await queue.upsert({ parallelism: 2 }); // the free plan's maximum
    expect(await queue.get()).toMatchObject({ name: 'ops', parallelism: 2, paused: false, lag: 0 });

    await queue.pause();
    const { messageId } = await queue.enqueueJSON({ url: `${harness.destination}/p`, body: {} });
    expect(await queue.get()).toMatchObject({ paused: true, lag: 1 });
    expect((await harness.client.messages.get(messageId)) as unknown).toMatchObject({ state: 'CREATED', queueName: 'ops' });
    await queue.resume();
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(1);

    await queue.pause();
    await queue.enqueueJSON({ url: `${harness.destination}/p`, body: {} });
    await queue.delete();
    await harness.standIn.idle(); // deleting the queue dropped its waiting message
    expect(harness.received).toHaveLength(1);
    const error = await queue.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QstashError);
    expect((error as QstashError).status).toBe(404);
  });
});
