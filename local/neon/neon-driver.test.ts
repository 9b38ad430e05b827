import { NeonDbError } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, serve } from './test-backends.ts';
import type { Served } from './test-backends.ts';

/** Makes the driver hand back the text the stand-in sent, so the wire values themselves are checked. */
const rawText = { getTypeParser: () => (value: string) => value };

const CREATE_THINGS = `CREATE TABLE things (
  id serial PRIMARY KEY, name text NOT NULL UNIQUE, n integer, big bigint, ok boolean,
  at timestamptz, data jsonb, blob bytea, tags text[], nothing text)`;

describe.each(BACKENDS)('the real neon() driver against the stand-in on $kind', (backendCase) => {
  let served: Served;
  beforeAll(async () => {
    served = await serve(backendCase);
    await served.sql.query(CREATE_THINGS);
  });
  afterAll(() => served?.close());

  it('sends values of many types as params and gets back Postgres text for each', async () => {
    const { sql } = served;
    await sql`INSERT INTO things (name, n, big, ok, at, data, blob, tags, nothing) VALUES (
      ${`it's "ünïcode"`}, ${42}, ${9007199254740993n}, ${true}, ${new Date('2024-01-02T03:04:05.123Z')},
      ${{ b: 'x', a: [1, 2] }}, ${Buffer.from([0, 1, 255])}, ${['a', 'b c', null]}, ${null})`;

    const result = await sql.query(
      'SELECT name, n, big, ok, at, data, blob, tags, nothing FROM things WHERE n = $1',
      [42],
      { arrayMode: true, fullResults: true, types: rawText },
    );
    expect(result.rows).toEqual([
      [`it's "ünïcode"`, '42', '9007199254740993', 't', '2024-01-02 03:04:05.123+00',
        '{"a": [1, 2], "b": "x"}', '\\x0001ff', '{a,"b c",NULL}', null],
    ]);
    // The driver picks its parsers by these type ids, so they must be the server's.
    expect(result.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['name', 25], ['n', 23], ['big', 20], ['ok', 16], ['at', 1184],
      ['data', 3802], ['blob', 17], ['tags', 1009], ['nothing', 25],
    ]);
    expect(result.fields[0]).toMatchObject({ tableID: expect.any(Number), columnID: 2, format: 'text' });
    expect(result.fields[0]?.tableID).toBeGreaterThan(0);
  });

  it('lets the driver parse that text into JavaScript values', async () => {
    const [row] = await served.sql`SELECT n, big, ok, at, data, blob, tags, nothing FROM things WHERE n = 42`;
    expect(row).toMatchObject({
      n: 42,
      big: '9007199254740993',
      ok: true,
      data: { a: [1, 2], b: 'x' },
      blob: Buffer.from([0, 1, 255]),
      tags: ['a', 'b c', null],
      nothing: null,
    });
    // A Date by default, a string once drizzle's neon-http driver swapped the global parser: both are this instant.
    expect(new Date(row?.at as string).toISOString()).toBe('2024-01-02T03:04:05.123Z');
  });

  it('answers in array mode and in object mode', async () => {
    const text = 'SELECT 1 AS a, $1::text AS b';
    expect(await served.sql.query(text, ['x'], { arrayMode: true })).toEqual([[1, 'x']]);
    expect(await served.sql.query(text, ['x'], { arrayMode: false })).toEqual([{ a: 1, b: 'x' }]);
  });

  it('reports command and row count with fullResults', async () => {
    const { sql } = served;
    const insert = await sql.query(
      'INSERT INTO things (name) VALUES ($1), ($2) RETURNING id',
      ['full-1', 'full-2'],
      { fullResults: true },
    );
    expect(insert).toMatchObject({ command: 'INSERT', rowCount: 2, rowAsArray: false });
    expect(insert.fields.map((f) => f.name)).toEqual(['id']);
    expect(insert.rows).toHaveLength(2);

    const update = await sql.query("UPDATE things SET n = 0 WHERE name = 'nobody'", [], { fullResults: true });
    expect(update).toMatchObject({ command: 'UPDATE', rowCount: 0, rows: [], fields: [] });
    const ddl = await sql.query('CREATE INDEX things_n ON things (n)', [], { fullResults: true });
    expect(ddl).toMatchObject({ command: 'CREATE', rowCount: null });
  });

  it('commits a transaction batch as a whole', async () => {
    const { sql } = served;
    const [, , count] = await sql.transaction((tx) => [
      tx`INSERT INTO things (name) VALUES ('tx-1')`,
      tx`INSERT INTO things (name) VALUES ('tx-2')`,
      tx`SELECT count(*)::int AS c FROM things WHERE name LIKE 'tx-%'`,
    ]);
    expect(count).toEqual([{ c: 2 }]);
    expect(await sql`SELECT name FROM things WHERE name LIKE 'tx-%' ORDER BY name`).toEqual([
      { name: 'tx-1' },
      { name: 'tx-2' },
    ]);
  });

  it('rolls back the whole batch when one statement fails', async () => {
    const { sql } = served;
    const batch = sql.transaction([
      sql`INSERT INTO things (name) VALUES ('rolled-back')`,
      sql`INSERT INTO things (name) VALUES ('tx-1')`,
    ]);
    await expect(batch).rejects.toMatchObject({ name: 'NeonDbError', code: '23505', constraint: 'things_name_key' });
    expect(await sql`SELECT * FROM things WHERE name = 'rolled-back'`).toEqual([]);
    // The failed batch left nothing open: the next statements run and commit on their own.
    await sql`INSERT INTO things (name) VALUES ('after-failure')`;
    expect(await sql`SELECT count(*)::int AS c FROM things WHERE name = 'after-failure'`).toEqual([{ c: 1 }]);
  });

  it('applies the isolation level, read-only and deferrable options of a batch', async () => {
    const { sql } = served;
    const settings = () => [
      sql`SHOW transaction_isolation`,
      sql`SHOW transaction_read_only`,
      sql`SHOW transaction_deferrable`,
    ];
    expect((await sql.transaction(settings())).flat()).toEqual([
      { transaction_isolation: 'read committed' },
      { transaction_read_only: 'off' },
      { transaction_deferrable: 'off' },
    ]);
    const strict = await sql.transaction(settings(), { isolationLevel: 'Serializable', readOnly: true, deferrable: true });
    expect(strict.flat()).toEqual([
      { transaction_isolation: 'serializable' },
      { transaction_read_only: 'on' },
      { transaction_deferrable: 'on' },
    ]);
    const repeatable = await sql.transaction([sql`SHOW transaction_isolation`], { isolationLevel: 'RepeatableRead' });
    expect(repeatable).toEqual([[{ transaction_isolation: 'repeatable read' }]]);
    await expect(
      sql.transaction([sql`INSERT INTO things (name) VALUES ('read-only')`], { readOnly: true }),
    ).rejects.toMatchObject({ code: '25006' });
  });

  it('throws NeonDbError carrying the server error fields', async () => {
    const error: unknown = await served.sql`SELECT missing_column FROM things`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({
      message: 'column "missing_column" does not exist',
      code: '42703',
      severity: 'ERROR',
      position: '8',
    });
  });
});
