import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, post, postgresBehindForwarder, serve } from './test-backends.ts';
import type { BackendCase, Served } from './test-backends.ts';

/**
 * PostgreSQL again, its replies cut into one packet per protocol message: the client then learns a
 * statement failed before it learns what state the failure left the transaction in, as happens now
 * and then on a loaded machine (the cause of a flaky run of this file).
 */
const ONE_PACKET_PER_MESSAGE: BackendCase = {
  kind: 'postgres',
  name: 'postgres-packet-per-message',
  open: () => postgresBehindForwarder({ onePacketPerMessage: true }),
};

/**
 * Neon gives each HTTP request a session of its own. The stand-in shares connections between
 * requests (PGlite has only one), so these check that requests still cannot see into each other.
 */
describe.each([...BACKENDS, ONE_PACKET_PER_MESSAGE])('requests as separate sessions on $name', (backendCase) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(backendCase);
  });
  afterAll(() => served?.close());

  it('refuses a text of several statements as Neon does, and runs none of it', async () => {
    // Neon's proxy runs every query through the extended protocol, where PostgreSQL allows one statement.
    const refused = served.sql.query(`CREATE TABLE steps (id int); INSERT INTO steps VALUES (1)`, []);
    await expect(refused).rejects.toMatchObject({
      message: 'cannot insert multiple commands into a prepared statement',
      code: '42601',
      severity: 'ERROR',
    });
    expect(await served.sql`SELECT to_regclass('steps') AS t`).toEqual([{ t: null }]);
  });

  it('does not carry a transaction left open by one request into the next', async () => {
    const { sql } = served;
    await sql`CREATE TABLE leaks (id int)`;
    await sql.query('BEGIN', []);
    await sql`INSERT INTO leaks VALUES (1)`;
    // Had the BEGIN stayed open, the insert would be inside it and this would undo it.
    await sql.query('ROLLBACK', []);
    expect(await sql`SELECT id FROM leaks`).toEqual([{ id: 1 }]);

    // Failed requests must not poison the next one either: not a refused text that starts a
    // transaction, nor a batch that fails half way.
    const refused = await post(served, { query: 'BEGIN; SELECT 1 / 0', params: [] });
    expect(await refused.json()).toMatchObject({ code: '42601' });
    await expect(sql.transaction([sql`INSERT INTO leaks VALUES (2)`, sql`SELECT 1 / 0`])).rejects.toMatchObject({ code: '22012' });
    await sql`INSERT INTO leaks VALUES (3)`;
    expect(await sql`SELECT id FROM leaks ORDER BY id`).toEqual([{ id: 1 }, { id: 3 }]);
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
