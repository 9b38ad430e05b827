import { QstashError } from '@upstash/qstash';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { concurrencyProbe, startHarness, type Harness } from './test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

const rejectForGood = () => new Response('no', { status: 489, headers: { 'Upstash-NonRetryable-Error': 'true' } });

describe('labels', () => {
  it('keeps them on the message, shows them in the DLQ and filters by any of them', async () => {
    harness = await startHarness({ respond: rejectForGood });
    const url = `${harness.destination}/x`;
    const pending = await harness.client.publishJSON({ url, body: {}, label: ['billing', 'vip'], delay: '1h' });
    expect(await harness.client.messages.get(pending.messageId)).toMatchObject({ label: 'billing', labels: ['billing', 'vip'] });

    await harness.client.publishJSON({ url, body: { n: 1 }, label: 'vip' });
    await harness.client.publishJSON({ url, body: { n: 2 }, label: 'other' });
    await harness.client.publishJSON({ url, body: { n: 3 } });
    while ((await harness.client.dlq.listMessages()).messages.length < 3) await new Promise((r) => setTimeout(r, 10));

    const labelled = (filter: { label: string | string[] }) =>
      harness!.client.dlq.listMessages({ filter }).then(({ messages }) => messages.map((m) => JSON.parse(m.body!).n).sort());
    expect(await labelled({ label: 'vip' })).toEqual([1]);
    expect(await labelled({ label: ['vip', 'other'] })).toEqual([1, 2]);
    expect(await labelled({ label: 'nobody' })).toEqual([]);
    expect((await harness.client.dlq.listMessages({ filter: { label: 'other' } })).messages[0]).toMatchObject({ labels: ['other'] });

    // The pending message is found by its second label too.
    expect(await harness.client.messages.cancel({ filter: { label: 'vip' } })).toEqual({ cancelled: 1 });
  });
});

describe('flow control', () => {
  it('keeps at most `parallelism` deliveries of one key in flight, whatever the URL', async () => {
    const probe = concurrencyProbe(2);
    harness = await startHarness({ respond: probe.respond });
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await harness.client.publishJSON({ url: `${harness.destination}/u${n % 2}`, body: { n }, flowControl: { key: 'tenant-1', parallelism: 2 } });
    }
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(6);
    expect(probe.peak()).toBe(2);
  });

  it('starts at most `rate` deliveries of one key per period', async () => {
    const startedAt: number[] = [];
    harness = await startHarness({
      respond: () => {
        startedAt.push(Date.now());
        return new Response('ok');
      },
    });
    const url = `${harness.destination}/x`;
    for (const n of [1, 2, 3, 4]) await harness.client.publishJSON({ url, body: { n }, flowControl: { key: 'slow', rate: 2, period: '1s' } });
    const info = await harness.client.flowControl.get('slow');
    expect(info).toMatchObject({ flowControlKey: 'slow', rateMax: 2, ratePeriod: 1 });
    await harness.standIn.idle();
    expect(startedAt).toHaveLength(4);
    // The third start waits for the next window: a second after the first one opened.
    expect(startedAt[2]! - startedAt[0]!).toBeGreaterThanOrEqual(950);
  });

  it('shows the key and its values on the message, and refuses a malformed value with 400', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the SDK logs the expected 400
    harness = await startHarness();
    const url = `${harness.destination}/x`;
    const { messageId } = await harness.client.publishJSON({
      url,
      body: {},
      delay: '1h',
      flowControl: { key: 'k', parallelism: 3, rate: 5, period: '1m' },
    });
    expect(await harness.client.messages.get(messageId)).toMatchObject({ flowControlKey: 'k', parallelism: 3, rate: 5, period: 60 });
    expect(await harness.client.messages.cancel({ filter: { flowControlKey: 'k' } })).toEqual({ cancelled: 1 });

    for (const value of ['parallelism=0', 'speed=3', 'period=1m', 'rate=2, period=soon']) {
      const response = await fetch(`${harness.baseUrl}/v2/publish/${url}`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN}`,
          'Upstash-Flow-Control-Key': 'k',
          'Upstash-Flow-Control-Value': value,
        },
        body: '{}',
      });
      expect([value, response.status]).toEqual([value, 400]);
      expect(await response.json()).toEqual({ error: expect.any(String) });
    }
    const unknown = await harness.client.flowControl.get('never-used').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(QstashError);
  });
});
