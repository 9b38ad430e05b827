import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test-support/postgres.ts';
import { pgliteBackend } from './pglite-backend.ts';
import { postgresBackend } from './postgres-backend.ts';
import type { SqlBackend } from './sql-backend.ts';

describe('PGlite with a data directory', () => {
  let root: string;
  let dataDir: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'neon-stand-in-pglite-'));
    // A folder whose parents do not exist yet either, as on the first run of the local stack.
    dataDir = join(root, 'data', 'pglite');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('keeps its data across close() and reopening', async () => {
    const first = pgliteBackend(dataDir);
    await first.query('CREATE TABLE kept (id int PRIMARY KEY, note text)', []);
    await first.transaction(async (query) => {
      await query('INSERT INTO kept VALUES ($1, $2)', ['1', 'committed before close']);
    });
    await first.close();
    await expect(first.query('SELECT 1', [])).rejects.toThrow('the PGlite backend is closed');

    const second = pgliteBackend(dataDir);
    try {
      expect((await second.query('SELECT id, note FROM kept', [])).rows).toEqual([['1', 'committed before close']]);
    } finally {
      await second.close();
    }
  });
});

/** Expressions covering the types the app stores, and their edge cases; each must print identically. */
const EXPRESSIONS = [
  `'plain', 'with "quotes" and ''apostrophes'' ünïcode'::text, ''::text, NULL::text`,
  `1::int2, '-2147483648'::int4, 9223372036854775807::int8, 1.50::numeric, 'NaN'::numeric, 1e-10::numeric`,
  `0.1::float4, 0.1::float8, 1e20::float8, 'Infinity'::float8, '-0'::float8`,
  `true, false, NULL::bool`,
  `'2024-01-02 03:04:05.123456+00'::timestamptz, '2024-07-02 03:04:05+05:30'::timestamptz, 'infinity'::timestamptz`,
  `'2024-01-02 03:04:05'::timestamp, '2024-01-02'::date, '12:00'::time, '12:00+02'::timetz, interval '1 day 2 hours 3.5 seconds'`,
  `'{"b": [1, 2.50, null], "a": {"c": "é"}}'::jsonb, '{"b":2,  "a":1}'::json, '[]'::jsonb, '"s"'::jsonb`,
  `'\\xdeadbeef'::bytea, ''::bytea, convert_to('é', 'UTF8')`,
  `ARRAY['a', 'b c', NULL, 'd"e', 'f\\g', '']::text[], '{}'::text[], '{{1,2},{3,4}}'::int[], '{t,f}'::bool[]`,
  `ARRAY['{"a":1}'::jsonb], ARRAY['2024-01-02 03:04:05+00'::timestamptz], ARRAY['\\x01'::bytea]`,
  `'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '192.168.0.1/24'::inet, 'a'::char(3), 'x'::varchar(5), '$1.50'::money`,
  `'[1,5)'::int4range, point(1, 2), 'fat & rat'::tsquery, B'101'::bit(3), 'abc'::name, 'text'::regtype`,
];

describe('PGlite prints values as the real PostgreSQL does', () => {
  let pglite: SqlBackend;
  let postgres: SqlBackend;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    pglite = pgliteBackend(undefined);
    postgres = postgresBackend(database.url, 2);
  });
  afterAll(async () => {
    await pglite?.close();
    await postgres?.close();
    await drop?.();
  });

  it.each(EXPRESSIONS)('SELECT %s', async (expressions) => {
    const [fromPglite, fromPostgres] = await Promise.all([
      pglite.query(`SELECT ${expressions}`, []),
      postgres.query(`SELECT ${expressions}`, []),
    ]);
    expect(fromPglite.rows).toEqual(fromPostgres.rows);
    expect(fromPglite.fields).toEqual(fromPostgres.fields);
  });

  it('also through the extended protocol, with parameters', async () => {
    const text = 'SELECT $1::timestamptz, $2::jsonb, $3::bytea, $4::text[], $5::numeric, $6::bool';
    const params = ['2024-01-02 03:04:05.5-03', '{"k": [1]}', '\\x0102', '{a,NULL}', '0.10', 'on'];
    const [fromPglite, fromPostgres] = await Promise.all([pglite.query(text, params), postgres.query(text, params)]);
    expect(fromPglite).toEqual(fromPostgres);
    expect(fromPglite.rows).toEqual([['2024-01-02 06:04:05.5+00', '{"k": [1]}', '\\x0102', '{a,NULL}', '0.10', 't']]);
  });
});
