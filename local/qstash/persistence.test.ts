import { Client } from '@upstash/qstash';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../test-support/listen.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { createQStashStandIn } from './index.ts';
import { startHarness, type Harness } from './test-harness.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qstash-stand-in-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('persistence', () => {
  it('keeps a pending delayed message, queues, dedup ids and the DLQ across close and reopen', async () => {
    const dataFile = join(await tempDir(), 'nested', 'qstash.json');
    const first: Harness = await startHarness({
      dataFile,
      respond: (r) =>
        r.url.endsWith('/reject')
          ? new Response('no', { status: 489, headers: { 'Upstash-NonRetryable-Error': 'true' } })
          : new Response('ok'),
    });
    cleanups.push(() => first.close());
    const url = `${first.destination}/later`;
    const delayed = await first.client.publishJSON({ url, body: { kept: true }, delay: 2, deduplicationId: 'once' });
    await first.client.queue({ queueName: 'kept-queue' }).upsert({ parallelism: 2 });
    await first.client.publishJSON({ url: `${first.destination}/reject`, body: {} });
    // Wait until the rejected message is in the DLQ, not for the delayed one.
    while ((await first.client.dlq.listMessages()).messages.length === 0) await new Promise((r) => setTimeout(r, 10));
    await first.standIn.close();
    expect(first.received.map((r) => new URL(r.url).pathname)).toEqual(['/reject']);
    expect(await readdir(join(dataFile, '..'))).toEqual(['qstash.json']); // no temp file left behind

    const second = createQStashStandIn({ dataFile });
    const server = await listen(second.app.fetch);
    cleanups.push(async () => {
      await server.close();
      await second.close();
    });
    const client = new Client({ baseUrl: server.url, token: QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN });

    const pending = await client.messages.get(delayed.messageId);
    expect(pending).toMatchObject({ url, body: JSON.stringify({ kept: true }) });
    const again = await client.publishJSON({ url, body: { kept: 'twice' }, deduplicationId: 'once' });
    expect(again).toMatchObject({ messageId: delayed.messageId, deduplicated: true });
    expect(await client.queue({ queueName: 'kept-queue' }).get()).toMatchObject({ parallelism: 2 });
    expect((await client.dlq.listMessages()).messages.map((m) => m.responseStatus)).toEqual([489]);

    // The first destination server is still up and receives the delayed message from the new process.
    await second.idle();
    const later = first.received.filter((r) => r.url === url);
    expect(later.map((r) => [r.body, r.headers.get('upstash-message-id')])).toEqual([[JSON.stringify({ kept: true }), delayed.messageId]]);

    await second.close();
    const saved = JSON.parse(await readFile(dataFile, 'utf8')) as { messages: unknown[]; dlq: unknown[] };
    expect(saved.messages).toEqual([]);
    expect(saved.dlq).toHaveLength(1);
  });
});
