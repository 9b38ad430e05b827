import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { RETENTION_HOOK_PATH } from './hook.ts';
import { seedOldAndNew, tableCounts } from './test-seed.ts';

// Two deployments side by side: one with RETENTION_DAYS=30, one without.
const mediaDirs = [mkdtempSync(join(tmpdir(), 'ia-agent-retention-hook-')), mkdtempSync(join(tmpdir(), 'ia-agent-retention-off-'))];
let kept: Harness;
let forever: Harness;
beforeAll(async () => {
  [kept, forever] = await Promise.all([
    startHarness({ socketHost: false, env: { RETENTION_DAYS: '30', MEDIA_DIR: mediaDirs[0]! } }),
    startHarness({ socketHost: false, env: { MEDIA_DIR: mediaDirs[1]! } }),
  ]);
});
afterAll(async () => {
  await Promise.all([kept?.close(), forever?.close()]);
  for (const dir of mediaDirs) rmSync(dir, { recursive: true, force: true });
});

/** POST /hooks/retention as QStash's schedule sends it: an empty body, signed for the public URL. */
async function callHook(h: Harness, signingKey?: string) {
  const url = new URL(RETENTION_HOOK_PATH, h.services.config.PUBLIC_URL).toString();
  const signature = signingKey ? await signQStashJwt({ signingKey, url, body: new Uint8Array() }) : undefined;
  return fetch(`${h.base}${RETENTION_HOOK_PATH}`, { method: 'POST', headers: signature ? { 'upstash-signature': signature } : {} });
}

describe('POST /hooks/retention', () => {
  it('refuses a request not signed by QStash, and deletes nothing', async () => {
    await seedOldAndNew(kept.db, kept.services.media!);
    const before = await tableCounts(kept.db);
    for (const key of [undefined, 'sig_notTheRealKeyAtAll000000']) {
      const res = await callHook(kept, key);
      expect(res.status, String(key)).toBe(401);
      expect((await res.json()).error.code).toBe('UNAUTHORIZED');
    }
    const after = await tableCounts(kept.db);
    expect({ ...after, usage_daily: 0 }).toEqual({ ...before, usage_daily: 0 }); // the refusals are counted as requests
  });

  it('runs the purge when QStash calls it, and says what it deleted', async () => {
    const res = await callHook(kept, QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY);
    expect(res.status).toBe(200);
    const body = await res.json();
    // Two seeds' worth: the first test's rows were left for this one.
    expect(body).toMatchObject({
      outcome: 'purged',
      retentionDays: 30,
      complete: true,
      deleted: { messages: 5, mediaFiles: 3, conversations: 1, webhookDeliveries: 2, webhookAttempts: 3, sentMessages: 2, idempotencyKeys: 1 },
    });
    // Signed with the next key (QStash during a key rotation): accepted too; nothing is left to delete.
    const again = await callHook(kept, QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY);
    expect((await again.json()).deleted.messages).toBe(0);
  });

  it('answers "disabled" without RETENTION_DAYS, and deletes nothing', async () => {
    const seed = await seedOldAndNew(forever.db, forever.services.media!);
    const before = await tableCounts(forever.db);
    const res = await callHook(forever, QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ outcome: 'disabled' });
    const after = await tableCounts(forever.db);
    expect({ ...after, usage_daily: 0 }).toEqual({ ...before, usage_daily: 0 });
    expect(await forever.services.media!.get(seed.oldKeys[0]!)).not.toBeNull();
  });
});
