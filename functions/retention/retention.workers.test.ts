import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../drizzle/schema.ts';
import { eventually } from '../../test-support/eventually.ts';
import { startWranglerDev, WRANGLER_DEV_HOOK_TIMEOUT_MS, type WranglerDev } from '../../test-support/wrangler-dev.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { ALERTS_CRON } from './scheduled.ts';
import { seedOldAndNew } from './test-seed.ts';

/**
 * The Worker as it ships, in workerd (`wrangler dev --test-scheduled`), with the cron of wrangler.toml
 * fired through wrangler's /__scheduled route: proves the entry's `scheduled` handler is what Workers
 * call, with the Worker's own bindings (the database through the Neon stand-in, R2 as MEDIA_BUCKET).
 */
const mediaDir = mkdtempSync(join(tmpdir(), 'ia-agent-retention-seed-'));
let h: Harness;
let worker: WranglerDev;
let url: string;
let cron: string;

beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { MEDIA_DIR: mediaDir } });
  const { MEDIA_DIR: _folder, ...vars } = h.services.config as unknown as Record<string, unknown>;
  // Any answer of the app will do (the default readiness): health is 503 here, as no socket-host runs.
  worker = await startWranglerDev({
    vars: { ...vars, MODE: 'local', LOG_LEVEL: 'warn', RETENTION_DAYS: '30' },
    extraToml: '\n[[r2_buckets]]\nbinding = "MEDIA_BUCKET"\nbucket_name = "ia-agent-media"\n',
    flags: ['--test-scheduled'],
  });
  url = worker.url;
  // The daily one: every cron but the alerts' runs retention.
  cron = worker.crons.find((c) => c !== ALERTS_CRON)!;
  expect(cron).toBe('17 3 * * *');
}, WRANGLER_DEV_HOOK_TIMEOUT_MS);

afterAll(async () => {
  worker?.stop();
  await h?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

describe('the daily cron on the Workers runtime (workerd)', () => {
  it('runs the retention purge through the scheduled handler', async () => {
    const seed = await seedOldAndNew(h.db, h.services.media!);
    const res = await fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`);
    expect(res.status).toBe(200);
    // waitUntil finishes after the answer: the rows go shortly after.
    await eventually(
      async () => (await h.db.select({ id: messages.id }).from(messages).where(inArray(messages.id, seed.oldMessageIds))).length === 0,
      'the old messages to be deleted by the Worker',
    );
    expect(await h.db.select({ id: messages.id }).from(messages).where(inArray(messages.id, seed.newMessageIds))).toHaveLength(2);
  });
});
