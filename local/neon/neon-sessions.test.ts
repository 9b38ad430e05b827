import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, post, serve } from './test-backends.ts';
import type { Served } from './test-backends.ts';

/**
 * Neon gives each HTTP request a session of its own. The stand-in shares connections between
 * requests (PGlite has only one), so these check that requests still cannot see into each other.
 */
describe.each(BACKENDS)('requests as separate sessions on $kind', (backendCase) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(backendCase);
  });
  afterAll(() => served?.close());

  it('runs a text of several statements without params whole, answering with the last result', async () => {
    const result = await served.sql.query(
      `CREATE TABLE steps (id int PRIMARY KEY, note text);
       INSERT INTO steps VALUES (1, 'a;b'), (2, 'c');
       SELECT id, note FROM steps ORDER BY id`,
      [],
      { fullResults: true, arrayMode: true },
    );
    expect(result).toMatchObject({ command: 'SELECT', rowCount: 2, rows: [[1, 'a;b'], [2, 'c']] });
  });

  it('does not carry a transaction left open by one request into the next', async () => {
    const { sql } = served;
    await sql`CREATE TABLE leaks (id int)`;
    await sql.query('BEGIN; INSERT INTO leaks VALUES (1)', []);
    expect(await sql`SELECT count(*)::int AS c FROM leaks`).toEqual([{ c: 0 }]);

    // An aborted transaction must not poison the next request either.
    const failed = await post(served, { query: 'BEGIN; SELECT 1 / 0', params: [] });
    expect(await failed.json()).toMatchObject({ code: '22012' });
    await sql`INSERT INTO leaks VALUES (2)`;
    expect(await sql`SELECT id FROM leaks`).toEqual([{ id: 2 }]);
  });

  it('never lets concurrent requests see a batch half done', async () => {
    const { sql } = served;
    await sql`CREATE TABLE pairs (batch int, step int, UNIQUE (batch, step))`;
    const batches = Array.from({ length: 12 }, (_, batch) =>
      sql.transaction([
        sql`INSERT INTO pairs VALUES (${batch}, 1)`,
        sql`SELECT count(*) FROM pairs`,
        // Batch 5 fails on its last statement, so its first insert must vanish too.
        sql`INSERT INTO pairs VALUES (${batch}, ${batch === 5 ? 1 : 2})`,
      ]),
    );
    const looks = Array.from({ length: 24 }, () =>
      sql`SELECT batch, count(*)::int AS n FROM pairs GROUP BY batch`.then((rows) => rows as { batch: number; n: number }[]),
    );
    const settled = await Promise.allSettled(batches);
    const seen = (await Promise.all(looks)).flat();

    expect(settled.map((s) => s.status)).toEqual(
      Array.from({ length: 12 }, (_, batch) => (batch === 5 ? 'rejected' : 'fulfilled')),
    );
    expect(seen.filter((row) => row.n !== 2)).toEqual([]);
    const final = (await sql`SELECT batch, count(*)::int AS n FROM pairs GROUP BY batch ORDER BY batch`) as { batch: number }[];
    expect(final.map((row) => row.batch)).toEqual([0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11]);
  });
});
