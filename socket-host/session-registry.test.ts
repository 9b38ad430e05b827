/**
 * The socket-host's side of numbers as data: which wa_sessions rows it starts, what its signed add and
 * remove commands refuse, and a database that cannot answer at start holding back only the added numbers.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSessions } from '../drizzle/schema.ts';
import { FAST, pollUntil, signedFetch, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const statuses = (host: Awaited<ReturnType<typeof startTestHost>>['host']) => Object.fromEntries([...host.sessions].map(([id, s]) => [id, s.status]));

describe('the numbers a socket-host holds', () => {
  it('are the WA_SESSIONS seed and every row the API added, not a row a lease left behind', async () => {
    await t.db.insert(waSessions).values([
      { id: 'added-1', name: 'Added', addedAt: new Date('2026-01-01T00:00:00Z') },
      { id: 'leftover', addedAt: null },
    ]);
    const { host } = await startTestHost(t, { env: { WA_SESSIONS: 'seed-a' } });
    try {
      expect([...host.sessions.keys()]).toEqual(['seed-a', 'added-1']);
      await pollUntil(() => statuses(host)['added-1'] === 'open' && statuses(host)['seed-a'] === 'open', 'both open');

      // Signed commands: a seed's add and removal are refused, a known number's add answers it as it is
      // (a sync may have read its row first), an unknown one is named, bad input is a 400.
      const add = (body: unknown) => signedFetch(`${host.url}/sessions`, { body });
      expect((await add({ id: 'seed-a' })).status).toBe(409);
      const again = await add({ id: 'added-1' });
      expect(again.status).toBe(201);
      expect(await again.json()).toMatchObject({ id: 'added-1', status: 'open' });
      const bad = await add({ id: 'no spaces' });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.message).toContain('id must be 1-64 letters');
      expect((await signedFetch(`${host.url}/sessions/seed-a/remove`, { body: {} })).status).toBe(409);
      expect((await signedFetch(`${host.url}/sessions/nobody/remove`, { body: {} })).status).toBe(404);
      expect((await signedFetch(`${host.url}/sessions`, { body: { id: 'new-1' }, signature: null })).status).toBe(401);
      expect([...host.sessions.keys()]).toEqual(['seed-a', 'added-1']);
    } finally {
      await host.stop();
      await t.db.delete(waSessions);
    }
  });

  it('start without the added numbers while the database cannot read them, and take them up once it can', async () => {
    await t.db.insert(waSessions).values({ id: 'added-2', addedAt: new Date() });
    // A real failing read: the column the query names is gone until the fault is lifted.
    await t.db.execute(sql`alter table wa_sessions rename column added_at to added_at_away`);
    let renamed = true;
    const { host } = await startTestHost(t, { env: { WA_SESSIONS: 'seed-b' } });
    try {
      expect([...host.sessions.keys()]).toEqual(['seed-b']);
      await t.db.execute(sql`alter table wa_sessions rename column added_at_away to added_at`);
      renamed = false;
      await pollUntil(() => statuses(host)['added-2'] === 'open' && statuses(host)['seed-b'] === 'open', 'the added number taken up');
    } finally {
      if (renamed) await t.db.execute(sql`alter table wa_sessions rename column added_at_away to added_at`);
      await host.stop();
    }
  });

  it('in a pool, follow what the API did through another replica: a number added there is taken by one with room, one removed there is let go', async () => {
    const pool = (name: string) => ({
      env: { WA_SESSIONS: 'seed-p', WA_MAX_SESSIONS_PER_HOST: '1', SOCKET_HOST_PUBLIC_URL: `http://${name}.internal:8788` },
      tuning: { ...FAST, registrySyncMs: 100 },
    });
    await t.db.delete(waSessions);
    const a = await startTestHost(t, pool('replica-a'));
    await pollUntil(() => statuses(a.host)['seed-p'] === 'open', 'the first replica holding the seed');
    const b = await startTestHost(t, pool('replica-b'));
    try {
      // Added as the functions add it (the row, then the command) through the replica that is full.
      await t.db.insert(waSessions).values({ id: 'pooled', addedAt: new Date() });
      expect((await signedFetch(`${a.host.url}/sessions`, { body: { id: 'pooled' } })).status).toBe(201);
      await pollUntil(() => b.host.sessions.get('pooled')?.holdsLease && statuses(b.host)['pooled'] === 'open', 'the replica with room holding it');
      expect(a.host.sessions.get('pooled')?.holdsLease).toBe(false);
      // The row follows (a status is written behind the socket's event).
      await pollUntil(async () => {
        const [row] = await t.db.select().from(waSessions).where(sql`id = 'pooled'`);
        return row?.leaseOwnerUrl === 'http://replica-b.internal:8788' && row.status === 'open';
      }, 'the row naming replica b, open');
      // The full replica lists it as not its own, so the functions read its state from the row.
      const listed = (await (await signedFetch(`${a.host.url}/sessions`)).json()) as { data: { id: string; held: boolean }[] };
      expect(listed.data.find((s) => s.id === 'pooled')).toMatchObject({ held: false });

      // Removed as the functions remove it: the command to its holder, then the rows.
      expect((await signedFetch(`${b.host.url}/sessions/pooled/remove`, { body: {} })).status).toBe(200);
      await t.db.delete(waSessions).where(sql`id = 'pooled'`);
      await pollUntil(() => !a.host.sessions.has('pooled'), 'the other replica letting it go');
      expect(b.host.sessions.has('pooled')).toBe(false);
      // Nobody brings it back: no lease re-creates the row.
      await new Promise((r) => setTimeout(r, 500));
      expect(await t.db.select().from(waSessions).where(sql`id = 'pooled'`)).toEqual([]);
      expect(statuses(a.host)['seed-p']).toBe('open');
    } finally {
      await b.host.stop();
      await a.host.stop();
      await t.db.delete(waSessions);
    }
  });
});
