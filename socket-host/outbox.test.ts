/**
 * The outbox end to end: host → real @upstash/qstash Client → QStash stand-in → destination. Then the
 * queue goes away: events wait in wa_outbox and drain once a queue listens on the same port again.
 */
import { Receiver } from '@upstash/qstash';
import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox } from '../drizzle/schema.ts';
import { createQStashStandIn } from '../local/qstash/index.ts';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { waEvent, type WaEvent } from '../shared/contracts/wa-event.ts';
import { listen } from '../test-support/listen.ts';
import { pollUntil, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

type Served = Awaited<ReturnType<typeof listen>>;

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startTestHost>>;
let destination: Served;
let queue: { server: Served; close(): Promise<void> };
const delivered: { event: WaEvent; verified: boolean }[] = [];
const dedupIds: string[] = [];
const retriesAsked: number[] = [];
const receiver = new Receiver({
  currentSigningKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
  nextSigningKey: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY,
  devMode: false,
});

/** A QStash stand-in on the free plan; the publish requests' deduplication ids and retries are recorded on the way in. */
async function startQueue(port = 0) {
  const standIn = createQStashStandIn();
  const server = await listen((req) => {
    const dedup = req.headers.get('upstash-deduplication-id');
    if (dedup) dedupIds.push(dedup);
    const retries = req.headers.get('upstash-retries');
    if (retries !== null) retriesAsked.push(Number(retries));
    return standIn.app.fetch(req);
  }, port);
  return {
    server,
    async close() {
      await server.close();
      await standIn.close();
    },
  };
}

const messageIds = () => delivered.filter((d) => d.event.type === 'message.received').map((d) => d.event.id);

beforeAll(async () => {
  t = await startTestDatabase();
  destination = await listen(async (req) => {
    const body = await req.text();
    const verified = await receiver
      .verify({ signature: req.headers.get('upstash-signature') ?? '', body, url: req.url })
      .catch(() => false);
    delivered.push({ event: waEvent.parse(JSON.parse(body)), verified });
    return new Response('ok');
  });
  queue = await startQueue();
  h = await startTestHost(t, { env: { QSTASH_URL: queue.server.url, PUBLIC_URL: destination.url } });
  await pollUntil(() => h.fake.latest()?.state === 'open', 'the socket to open');
});
afterAll(async () => {
  await h?.host.stop();
  await queue?.close();
  await destination?.close();
  await t?.close();
});

describe('the outbox', () => {
  it('delivers events through QStash to /hooks/whatsapp, deduplicated on the event id, and empties', async () => {
    h.fake.latest()!.inject({ from: '5511987654321', text: 'hello', id: 'ABCD000000000001' });
    await pollUntil(() => messageIds().includes('main:ABCD000000000001'), 'the delivery');
    expect(dedupIds).toContain('main:ABCD000000000001');
    // The free plan refuses more than 3 retries, and a refused publish never leaves the outbox.
    expect(Math.max(...retriesAsked)).toBeLessThanOrEqual(3);
    expect(delivered.every((d) => d.verified)).toBe(true);
    await pollUntil(async () => (await h.host.outbox.pending()) === 0, 'the outbox to empty');
  });

  it('keeps events while the queue is down and drains them, oldest first, once it is back on the same port', async () => {
    const port = queue.server.port;
    await queue.close();
    const sock = h.fake.latest()!;
    sock.inject({ from: '5511987654321', text: 'while down 1', id: 'ABCD000000000002' });
    sock.inject({ from: '5511987654321', text: 'while down 2', id: 'ABCD000000000003' });

    const waiting = await pollUntil(async () => {
      const rows = await t.db.select().from(waOutbox).orderBy(asc(waOutbox.seq));
      return rows.length === 2 && rows.every((r) => r.attempts > 0 || r.eventId.endsWith('3')) ? rows : undefined;
    }, 'both events to wait in the outbox with a recorded failure');
    expect(waiting.map((r) => r.eventId)).toEqual(['main:ABCD000000000002', 'main:ABCD000000000003']);
    expect(waiting[0]!.lastError).toBeTruthy();
    const health = await (await fetch(`${h.host.url}/health?outbox=1`)).json();
    expect(health.outbox.pending).toBe(2);
    expect(messageIds()).not.toContain('main:ABCD000000000002');

    const publishedBefore = dedupIds.length;
    queue = await startQueue(port);
    await pollUntil(() => messageIds().includes('main:ABCD000000000003') && messageIds().includes('main:ABCD000000000002'), 'the drain');
    expect(dedupIds.slice(publishedBefore)).toEqual(['main:ABCD000000000002', 'main:ABCD000000000003']);
    await pollUntil(async () => (await h.host.outbox.pending()) === 0, 'the outbox to empty');
  });
});
