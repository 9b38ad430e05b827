import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageDaily } from '../../drizzle/schema.ts';
import { freePort } from '../../local/free-port.ts';
import { createDb, type Db } from '../../shared/db.ts';
import { FLUSH_AT_PENDING, FLUSH_INTERVAL_MS, UsageMeter } from './meter.ts';
import { startTestDb } from './test-db.ts';

// Real PostgreSQL behind the Neon stand-in: the upsert runs exactly as it does on Neon.
let testDb: Awaited<ReturnType<typeof startTestDb>>;
let db: Db;
let neon: { stats: { requests: number; queries: number } };
beforeAll(async () => {
  testDb = await startTestDb();
  db = testDb.db;
  neon = testDb;
});
afterAll(() => testDb?.close());

/** A clock the test moves; every test files its counts on days of its own. */
function clock(iso: string) {
  let now = Date.parse(iso);
  return { now: () => now, set: (at: string) => (now = Date.parse(at)), advance: (ms: number) => (now += ms) };
}

async function stored(from: string, to: string) {
  const rows = await db.select().from(usageDaily).orderBy(asc(usageDaily.day), asc(usageDaily.metric));
  return rows.filter((r) => r.day >= from && r.day <= to).map((r) => [r.day, r.metric, r.value]);
}

describe('UsageMeter', () => {
  it('writes every pending count in one statement, then has nothing pending', async () => {
    const t = clock('2031-01-10T12:00:00Z');
    const meter = new UsageMeter({ now: t.now });
    meter.add('messages.received');
    meter.add('redis.commands', 5);
    meter.add('redis.commands', 3);
    meter.add('model.input_tokens', 420);
    meter.add('messages.sent', 0); // nothing to count
    meter.add('messages.sent', Number.NaN);

    const before = { ...neon.stats };
    await meter.flush(db);
    expect(neon.stats.requests - before.requests).toBe(1);
    expect(neon.stats.queries - before.queries).toBe(1);
    expect(await stored('2031-01-10', '2031-01-10')).toEqual([
      ['2031-01-10', 'messages.received', 1],
      ['2031-01-10', 'model.input_tokens', 420],
      ['2031-01-10', 'redis.commands', 8],
    ]);
    expect(meter.pending()).toEqual({});

    const idle = { ...neon.stats };
    await meter.flush(db);
    expect(neon.stats.requests).toBe(idle.requests); // nothing pending, no round trip
  });

  it('adds to what earlier writes (of this or another instance) stored for the day', async () => {
    const t = clock('2031-02-10T08:00:00Z');
    const one = new UsageMeter({ now: t.now });
    const other = new UsageMeter({ now: t.now });
    one.add('queue.messages', 2);
    await one.flush(db);
    other.add('queue.messages', 5);
    one.add('queue.messages');
    await Promise.all([other.flush(db), one.flush(db)]);
    expect(await stored('2031-02-10', '2031-02-10')).toEqual([['2031-02-10', 'queue.messages', 8]]);
  });

  it('files a count under the UTC day it happened on, not the day it is written', async () => {
    const t = clock('2031-03-10T23:59:59Z');
    const meter = new UsageMeter({ now: t.now });
    meter.add('functions.requests', 4);
    t.set('2031-03-11T00:00:01Z');
    meter.add('functions.requests');
    await meter.flush(db);
    expect(await stored('2031-03-10', '2031-03-11')).toEqual([
      ['2031-03-10', 'functions.requests', 4],
      ['2031-03-11', 'functions.requests', 1],
    ]);
  });

  it('keeps the counts of a failed write for the next one', async () => {
    const t = clock('2031-04-10T10:00:00Z');
    const meter = new UsageMeter({ now: t.now });
    const port = await freePort(); // nothing listens there
    const unreachable = createDb(`postgres://meter:test@127.0.0.1:${port}/ia_agent`, `http://127.0.0.1:${port}/sql`);
    meter.add('model.calls');
    await expect(meter.flush(unreachable)).rejects.toThrow();
    meter.add('model.calls', 2);
    expect(meter.pending()).toEqual({ '2031-04-10 model.calls': 3 });
    await meter.flush(db);
    expect(await stored('2031-04-10', '2031-04-10')).toEqual([['2031-04-10', 'model.calls', 3]]);
  });

  it('flushNow waits for a write under way, then writes what came after', async () => {
    const t = clock('2031-05-10T10:00:00Z');
    const meter = new UsageMeter({ now: t.now });
    meter.add('messages.sent');
    const background = meter.flush(db); // as the request middleware does: not awaited
    meter.add('messages.sent', 2);
    await meter.flushNow(db);
    expect(await stored('2031-05-10', '2031-05-10')).toEqual([['2031-05-10', 'messages.sent', 3]]);
    await background;
    expect(meter.pending()).toEqual({});
  });

  it('is due at the first count, then only every few seconds or when many counts wait', async () => {
    const t = clock('2031-06-10T10:00:00Z');
    const meter = new UsageMeter({ now: t.now });
    expect(meter.due()).toBe(false); // nothing to write
    meter.add('functions.requests');
    expect(meter.due()).toBe(true); // an isolate's first request writes at once
    await meter.flush(db);

    meter.add('functions.requests');
    expect(meter.due()).toBe(false);
    t.advance(FLUSH_INTERVAL_MS - 1);
    expect(meter.due()).toBe(false);
    t.advance(1);
    expect(meter.due()).toBe(true);
    await meter.flush(db);

    for (let i = 1; i < FLUSH_AT_PENDING; i++) meter.add('redis.commands');
    expect(meter.due()).toBe(false);
    meter.add('redis.commands');
    expect(meter.due()).toBe(true);
    await meter.flush(db);
    expect(await stored('2031-06-10', '2031-06-10')).toEqual([
      ['2031-06-10', 'functions.requests', 2],
      ['2031-06-10', 'redis.commands', FLUSH_AT_PENDING],
    ]);
  });
});
