/** The socket-host's bookkeeping writes ride along with the writes that must happen now. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox } from '../drizzle/schema.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';
import { createWriteBehind } from './write-behind.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const row = (eventId: string) => t.db.insert(waOutbox).values({ sessionId: 'main', eventId, payload: '{}' }).returning({ seq: waOutbox.seq });
const rows = async () => (await t.db.select({ eventId: waOutbox.eventId }).from(waOutbox)).map((r) => r.eventId).sort();
const deleteRow = (eventId: string) => t.db.delete(waOutbox).where(eq(waOutbox.eventId, eventId));

describe('write-behind', () => {
  it('sends what waits with the next write, in its round trip, and returns that write\'s result', async () => {
    const writes = createWriteBehind(t.db, { flushAfterMs: 60_000, retryDelayMs: 10, maxRetryDelayMs: 10 });
    await writes.now(row('a'));
    await writes.now(row('b'));
    const deleted = [writes.later('a', deleteRow('a')), writes.later('b', deleteRow('b'))];
    expect(writes.pending).toBe(2);

    const before = t.stats.requests;
    const [inserted] = await writes.now(row('c'));
    expect(t.stats.requests - before).toBe(1);
    expect(inserted!.seq).toBeGreaterThan(0);
    await Promise.all(deleted);
    expect(writes.pending).toBe(0);
    expect(await rows()).toEqual(['c']);
    await t.db.delete(waOutbox);
  });

  it('writes what waits on its own after flushAfterMs, all in one round trip, and the same key once', async () => {
    const writes = createWriteBehind(t.db, { flushAfterMs: 30, retryDelayMs: 10, maxRetryDelayMs: 10 });
    await t.db.insert(waOutbox).values(['d', 'e'].map((eventId) => ({ sessionId: 'main', eventId, payload: '{}' })));
    const before = t.stats.requests;
    const first = writes.later('d', deleteRow('d'));
    const again = writes.later('d', deleteRow('d'));
    const other = writes.later('e', deleteRow('e'));
    expect(writes.pending).toBe(2);
    await Promise.all([first, again, other]);
    expect(t.stats.requests - before).toBe(1);
    expect(t.stats.queries).toBeGreaterThan(0);
    expect(await rows()).toEqual([]);
  });

  it('keeps what waits when the write it rode with fails, and writes it later', async () => {
    const writes = createWriteBehind(t.db, { flushAfterMs: 60_000, retryDelayMs: 10, maxRetryDelayMs: 10 });
    await writes.now(row('f'));
    await writes.now(row('g'));
    const deleted = writes.later('f', deleteRow('f'));
    // A statement the database refuses (a second 'g') fails the whole batch: nothing of it is written.
    await expect(writes.now(t.db.insert(waOutbox).values({ sessionId: 'main', eventId: 'g', payload: '{}' }))).rejects.toThrow();
    expect(writes.pending).toBe(1);
    expect(await rows()).toEqual(['f', 'g']);
    await writes.flush();
    await deleted;
    expect(await rows()).toEqual(['g']);
  });

  it('does not let a bookkeeping write that fails hold back the write that must happen now', async () => {
    const writes = createWriteBehind(t.db, { flushAfterMs: 60_000, retryDelayMs: 10, maxRetryDelayMs: 10 });
    // A second 'g' cannot be written: as the write waiting, it fails every batch it rides in.
    const stuck = writes.later('g again', t.db.insert(waOutbox).values({ sessionId: 'main', eventId: 'g', payload: '{}' }));
    void stuck;
    const [h] = await writes.now(row('h'));
    expect(h!.seq).toBeGreaterThan(0);
    expect(writes.pending).toBe(1);
    expect(await rows()).toEqual(['g', 'h']);
    await expect(writes.flush()).rejects.toThrow();
    expect(writes.pending).toBe(1);
  });
});
