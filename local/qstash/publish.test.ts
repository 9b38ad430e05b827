import { Client, QstashError } from '@upstash/qstash';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { concurrencyProbe, startHarness, type Harness } from './test-harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await harness?.close();
  harness = undefined;
});

const auth = { Authorization: `Bearer ${QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN}` };

describe('publish', () => {
  it('delivers a deduplicated message once and answers the duplicate with 202 and the first id', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/hooks/inbound`;
    const first = await harness.client.publishJSON({ url, body: { n: 1 }, deduplicationId: 'wamid.1' });
    const second = await harness.client.publishJSON({ url, body: { n: 2 }, deduplicationId: 'wamid.1' });
    expect(second).toMatchObject({ messageId: first.messageId, deduplicated: true });

    const raw = await fetch(`${harness.baseUrl}/v2/publish/${url}`, {
      method: 'POST',
      headers: { ...auth, 'Upstash-Deduplication-Id': 'wamid.1' },
      body: 'x',
    });
    expect(raw.status).toBe(202);
    expect(await raw.json()).toMatchObject({ messageId: first.messageId, deduplicated: true });

    await harness.standIn.idle();
    expect(harness.received.map((r) => r.body)).toEqual([JSON.stringify({ n: 1 })]);
    expect(harness.standIn.stats).toMatchObject({ published: 1, deliveries: 1, failedDeliveries: 0 });
  });

  it('deduplicates on content when asked to', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/hooks/inbound`;
    const a = await harness.client.publishJSON({ url, body: { n: 1 }, contentBasedDeduplication: true });
    const b = await harness.client.publishJSON({ url, body: { n: 1 }, contentBasedDeduplication: true });
    const c = await harness.client.publishJSON({ url, body: { n: 2 }, contentBasedDeduplication: true });
    expect(b.messageId).toBe(a.messageId);
    expect(c.messageId).not.toBe(a.messageId);
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(2);
  });

  it('holds a delayed message back while later ones are delivered', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/hooks/inbound`;
    const delayed = await harness.client.publishJSON({ url, body: { order: 'delayed' }, delay: 1 });
    const pending = await harness.client.messages.get(delayed.messageId);
    expect(pending.notBefore).toBeGreaterThan(pending.createdAt);
    await harness.client.publishJSON({ url, body: { order: 'now' } });
    await harness.standIn.idle();
    expect(harness.received.map((r) => JSON.parse(r.body).order)).toEqual(['now', 'delayed']);
  });

  it('keeps the method, raw body bytes and forwarded headers', async () => {
    harness = await startHarness();
    const url = `${harness.destination}/jobs/run`;
    const bytes = new Uint8Array([0, 255, 10, 13, 128]);
    await harness.client.publish({
      url,
      body: new Blob([bytes]),
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Tenant': 'acme' },
    });
    await harness.standIn.idle();
    const [delivered] = harness.received;
    expect(delivered?.method).toBe('PUT');
    expect([...(delivered?.bytes ?? [])]).toEqual([...bytes]);
    expect(delivered?.headers.get('content-type')).toBe('application/octet-stream');
    expect(delivered?.headers.get('x-tenant')).toBe('acme');
  });

  it('cancels a pending message', async () => {
    harness = await startHarness();
    const { messageId } = await harness.client.publishJSON({ url: `${harness.destination}/x`, body: {}, delay: '1h' });
    expect(await harness.client.messages.cancel(messageId)).toEqual({ cancelled: 1 });
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(0);
    expect((await harness.client.messages.get(messageId)) as unknown).toMatchObject({ state: 'CANCELED' });
  });

  it('rejects bad input with 400 and a JSON error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the SDK logs each expected 400
    harness = await startHarness();
    const url = `${harness.destination}/x`;
    const cases = [
      () => harness!.client.publishJSON({ url, body: {}, delay: '10 parsecs' as '10s' }),
      () => harness!.client.publishJSON({ url: 'ftp://example.com/x', body: {} }),
      () => harness!.client.publishJSON({ url: 'my-url-group', body: {} }),
      () => harness!.client.publishJSON({ url, body: {}, retries: -1 }),
      () => harness!.client.publishJSON({ url, body: {}, retryDelay: 'pow(2, retried' }),
      () => harness!.client.publishJSON({ url, body: {}, retryDelay: 'process.exit(1)' }),
      () => harness!.client.publishJSON({ url, body: {}, timeout: 'soon' as '1s' }),
    ];
    for (const publish of cases) {
      const error = await publish().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(QstashError);
      expect((error as QstashError).status).toBe(400);
      expect(JSON.parse((error as QstashError).message)).toHaveProperty('error');
    }
    expect(harness.standIn.stats.published).toBe(0);
  });

  it('answers 401 to a wrong or missing token', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {}); // the SDK logs the expected 401
    harness = await startHarness();
    const intruder = new Client({ baseUrl: harness.baseUrl, token: 'not-the-token', retry: false });
    await expect(intruder.publishJSON({ url: `${harness.destination}/x`, body: {} })).rejects.toMatchObject({ status: 401 });
    const anonymous = await fetch(`${harness.baseUrl}/v2/keys`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toHaveProperty('error');
    const unknown = await fetch(`${harness.baseUrl}/v2/schedules`, { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toHaveProperty('error');
    const keys = await fetch(`${harness.baseUrl}/v2/keys`, { headers: auth });
    expect(await keys.json()).toEqual({
      current: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
      next: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY,
    });
  });

  it('caps concurrent deliveries during a burst', async () => {
    const probe = concurrencyProbe(32);
    harness = await startHarness({ respond: probe.respond });
    const url = `${harness.destination}/burst`;
    await harness.client.batchJSON(Array.from({ length: 80 }, (_, n) => ({ url, body: { n } })));
    await harness.standIn.idle();
    expect(harness.received).toHaveLength(80);
    expect(probe.peak()).toBe(32);
  });

  it('publishes a batch, reporting per-item errors without failing the others', async () => {
    harness = await startHarness();
    const responses = await harness.client.batchJSON([
      { url: `${harness.destination}/a`, body: { n: 1 } },
      { url: 'ftp://nowhere/b', body: { n: 2 } },
      { url: `${harness.destination}/c`, body: { n: 3 }, queueName: 'batch-queue', headers: { 'X-Item': 'c' } },
    ]);
    expect(responses).toHaveLength(3);
    expect(responses[0]).toHaveProperty('messageId');
    expect(responses[1]).toHaveProperty('error');
    expect(responses[2]).toHaveProperty('messageId');
    await harness.standIn.idle();
    const byPath = Object.fromEntries(harness.received.map((r) => [new URL(r.url).pathname, r]));
    expect(Object.keys(byPath).sort()).toEqual(['/a', '/c']);
    expect(byPath['/c']?.headers.get('x-item')).toBe('c');
    expect(byPath['/c']?.headers.get('content-type')).toBe('application/json');
    expect(await harness.client.queue({ queueName: 'batch-queue' }).get()).toMatchObject({ name: 'batch-queue', parallelism: 1 });
  });
});
