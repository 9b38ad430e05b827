import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import app from '../index.ts';
import { PURGE_LIMITS, type PurgeCounts } from './purge.ts';
import { runRetention } from './run.ts';
import { seedOldAndNew, tableCounts } from './test-seed.ts';

// The real stack without a socket-host (PostgreSQL behind the Neon stand-in, the functions over HTTP)
// and a media folder of its own, with RETENTION_DAYS=30.
const mediaDir = mkdtempSync(join(tmpdir(), 'ia-agent-retention-'));
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { RETENTION_DAYS: '30', MEDIA_DIR: mediaDir } });
});
afterAll(async () => {
  await h?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

const bucket = () => h.services.media!;
const NEVER_TOUCHED = ['webhook_subscriptions', 'api_keys', 'agent_settings', 'wa_sessions', 'wa_auth_creds', 'wa_auth_keys', 'wa_outbox'];
const zero: PurgeCounts = { messages: 0, mediaFiles: 0, conversations: 0, webhookDeliveries: 0, webhookAttempts: 0, sentMessages: 0, idempotencyKeys: 0 };

describe('the retention purge (RETENTION_DAYS=30)', () => {
  it('deletes what is older than 30 days, files first, and nothing else; a second run deletes nothing', async () => {
    const seed = await seedOldAndNew(h.db, bucket());
    const before = await tableCounts(h.db);

    const first = await runRetention(h.services);
    expect(first).toMatchObject({ outcome: 'purged', retentionDays: 30, complete: true, deleted: seed.expected });

    const after = await tableCounts(h.db);
    const expectedDrop: Record<string, number> = {
      messages: 5, conversations: 1, webhook_deliveries: 2, webhook_attempts: 3, wa_sent_messages: 2, idempotency_keys: 1,
    };
    for (const [table, drop] of Object.entries(expectedDrop)) expect(before[table]! - after[table]!, table).toBe(drop);
    for (const table of NEVER_TOUCHED) expect(after[table], table).toBe(before[table]);

    // Old rows and files gone; new ones, the queued send, the pending delivery and the live conversations kept.
    expect(await h.db.select({ id: messages.id }).from(messages).where(inArray(messages.id, seed.oldMessageIds))).toEqual([]);
    expect(await h.db.select({ id: messages.id }).from(messages).where(inArray(messages.id, seed.newMessageIds))).toHaveLength(2);
    for (const key of seed.oldKeys) expect(await bucket().get(key), key).toBeNull();
    expect(await bucket().get(seed.newKey)).not.toBeNull();
    const left = await h.db.select({ id: conversations.id }).from(conversations).where(inArray(conversations.id, Object.values(seed.conversationIds)));
    expect(left.map((c) => c.id).sort()).toEqual([seed.conversationIds.busy, seed.conversationIds.fresh, seed.conversationIds.paused].sort());
    const states = (await h.db.execute(sql`select state from wa_sent_messages order by state`)) as unknown as { rows: { state: string }[] };
    expect(states.rows.map((r) => r.state)).toEqual(['queued', 'sent']);
    const statuses = (await h.db.execute(sql`select status from webhook_deliveries order by created_at`)) as unknown as { rows: { status: string }[] };
    expect(statuses.rows.map((r) => r.status)).toEqual(['pending', 'delivered']);

    const second = await runRetention(h.services);
    expect(second).toMatchObject({ outcome: 'purged', complete: true, deleted: zero });
    expect(await tableCounts(h.db)).toMatchObject(Object.fromEntries(Object.keys(expectedDrop).map((t) => [t, after[t]])));
  });

  it('stops at its limits, says it is not complete, and the next runs finish the job with the same totals', async () => {
    const seed = await seedOldAndNew(h.db, bucket());
    // Eight statements: one file batch (select, delete) and one batch of each of the five other steps.
    const tiny = { batchRows: 1, fileBatch: 1, maxStatements: 8 };
    const totals = { ...zero };
    let runs = 0;
    let complete = false;
    while (!complete && runs < 50) {
      const run = await runRetention(h.services, { limits: tiny });
      if (run.outcome !== 'purged') throw new Error('retention is configured');
      expect(run.statements).toBeLessThanOrEqual(tiny.maxStatements);
      for (const k of Object.keys(totals) as (keyof PurgeCounts)[]) totals[k] += run.deleted[k];
      complete = run.complete;
      runs++;
    }
    expect(runs).toBeGreaterThan(1);
    expect(totals).toEqual(seed.expected);
    for (const key of seed.oldKeys) expect(await bucket().get(key)).toBeNull();
    expect((await runRetention(h.services)) as unknown).toMatchObject({ deleted: zero, complete: true });
  });

  it('has limits that fit a Workers free-plan invocation (50 subrequests) and Vercel’s 60 s', () => {
    expect(PURGE_LIMITS.maxStatements).toBeLessThan(50);
    expect(PURGE_LIMITS.timeBudgetMs).toBeLessThan(60_000);
  });
});

describe('storage in GET /v1/usage', () => {
  it('counts the database, the media files kept and their bytes, and says how long data is kept', async () => {
    const storage = async () => ((await (await h.call('/v1/usage?days=1')).json()) as { storage: Record<string, number | null> }).storage;
    const before = await storage();
    const seed = await seedOldAndNew(h.db, bucket());
    const seeded = await storage();
    // Every seeded message with a stored file records 100 bytes (the recorded size, not the bucket's).
    expect(seeded.mediaFiles! - before.mediaFiles!).toBe(4);
    expect(seeded.mediaBytes! - before.mediaBytes!).toBe(400);
    expect(seeded.databaseBytes).toBeGreaterThan(1_000_000);
    expect(seeded).toMatchObject({ databaseLimitBytes: 500_000_000, retentionDays: 30 });
    expect(seeded.databasePercent).toBe(Math.round((seeded.databaseBytes! / 500_000_000) * 1000) / 10);

    await runRetention(h.services);
    const purged = await storage();
    expect(seeded.mediaFiles! - purged.mediaFiles!).toBe(seed.expected.mediaFiles);
    expect(seeded.mediaBytes! - purged.mediaBytes!).toBe(seed.expected.mediaFiles * 100);
  });
});

describe("the Worker's scheduled handler (the entry's default export, called as Workers' cron would)", () => {
  it('runs the purge with the bindings it is given, inside waitUntil', async () => {
    const seed = await seedOldAndNew(h.db, bucket());
    const waited: Promise<unknown>[] = [];
    // The Worker's bindings: the same variables the harness's functions were started with.
    const env = { ...configAsBindings(h.services.config), RETENTION_DAYS: '30', MEDIA_DIR: mediaDir };
    const returned = app.scheduled({ cron: '17 3 * * *', scheduledTime: Date.now() }, env, { waitUntil: (p) => void waited.push(p) });
    expect(waited).toHaveLength(1);
    expect(await waited[0]).toMatchObject({ outcome: 'purged', deleted: seed.expected });
    await returned;
    for (const key of seed.oldKeys) expect(await bucket().get(key)).toBeNull();
  });

  it('deletes nothing without RETENTION_DAYS', async () => {
    const env: Record<string, string> = { ...configAsBindings(h.services.config), MEDIA_DIR: mediaDir };
    delete env.RETENTION_DAYS;
    const seed = await seedOldAndNew(h.db, bucket());
    const before = await tableCounts(h.db);
    const waited: Promise<unknown>[] = [];
    app.scheduled({}, env, { waitUntil: (p) => void waited.push(p) });
    expect(await waited[0]).toEqual({ outcome: 'disabled' });
    expect(await tableCounts(h.db)).toMatchObject({ messages: before.messages, conversations: before.conversations });
    expect(await bucket().get(seed.oldKeys[0]!)).not.toBeNull();
    await runRetention(h.services); // leaves the database as the other tests expect it
  });
});

/** The config's text variables, as Workers would pass them (bindings are the raw variables). */
function configAsBindings(config: object): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]));
}
