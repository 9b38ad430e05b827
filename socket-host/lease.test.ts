/** One socket per number: the lease on wa_sessions, alone and between two hosts on one database. */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSessions } from '../drizzle/schema.ts';
import { createLease } from './lease.ts';
import { pollUntil, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('createLease', () => {
  it('is taken only when free, expired or already ours', async () => {
    const a = createLease(t.db, 'solo', 'owner-a', 30_000);
    const b = createLease(t.db, 'solo', 'owner-b', 30_000);
    expect(await a.acquire()).toBe(true);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await b.renew()).toBe(false);

    // owner-a crashed: its lease runs out and owner-b may take the number.
    await t.db.update(waSessions).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(waSessions.id, 'solo'));
    expect(await b.acquire()).toBe(true);
    expect(await a.renew()).toBe(false);

    await b.release();
    expect(await a.acquire()).toBe(true);
  });
});

describe('two hosts, one number', () => {
  it('the second host opens no socket while the first holds the lease, and takes over when it stops', async () => {
    const env = { WA_SESSIONS: 'shared' };
    const first = await startTestHost(t, { env });
    await pollUntil(() => first.host.sessions.get('shared')?.status === 'open', 'the first host to connect');

    const second = await startTestHost(t, { env });
    try {
      // start() returns after the first lease attempt, so this already saw the lease taken.
      expect(second.fake.sockets).toHaveLength(0);
      expect(second.host.sessions.get('shared')).toMatchObject({ status: 'connecting' });
      expect(second.host.sessions.get('shared')?.reason).toContain('another socket-host');
      expect((await (await fetch(`${second.host.url}/health`)).json()).sessions[0].status).toBe('connecting');

      await first.host.stop();
      expect(first.fake.latest()?.state).toBe('closed');
      await pollUntil(() => second.host.sessions.get('shared')?.status === 'open', 'the second host to take over');
      expect(second.fake.sockets).toHaveLength(1);
      // The status reaches the table a moment after memory.
      await pollUntil(async () => (await t.db.select().from(waSessions).where(eq(waSessions.id, 'shared')))[0]?.status === 'open', 'the open status stored');
    } finally {
      await first.host.stop();
      await second.host.stop();
    }
  });

  it('closes its socket when another owner took the lease', async () => {
    const h = await startTestHost(t, { env: { WA_SESSIONS: 'stolen' } });
    try {
      await pollUntil(() => h.host.sessions.get('stolen')?.status === 'open', 'the host to connect');
      await t.db
        .update(waSessions)
        .set({ leaseOwner: 'someone-else', leaseExpiresAt: sql`now() + interval '1 hour'` })
        .where(eq(waSessions.id, 'stolen'));
      await pollUntil(() => h.fake.latest()?.state === 'closed', 'the socket to close');
      expect(h.host.sessions.get('stolen')).toMatchObject({ status: 'connecting' });
      expect(h.host.sessions.get('stolen')?.holdsLease).toBe(false);
    } finally {
      await h.host.stop();
    }
  });
});
