import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DrizzleQueryError, eq, sql as raw } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import type { NeonHttpDatabase } from 'drizzle-orm/neon-http';
import { migrate } from 'drizzle-orm/neon-http/migrator';
import { bigint, boolean, customType, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, serve } from './test-backends.ts';
import type { Served } from './test-backends.ts';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

const gadgets = pgTable('gadgets', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  n: integer('n'),
  big: bigint('big', { mode: 'bigint' }),
  ok: boolean('ok'),
  at: timestamp('at', { withTimezone: true }),
  data: jsonb('data').$type<{ tags: string[] }>(),
  blob: bytea('blob'),
  tags: text('tags').array(),
});

/** A migration as drizzle-kit writes them: one statement per chunk. */
const MIGRATION = `CREATE TABLE gadgets (
  id serial PRIMARY KEY, name text NOT NULL UNIQUE, n integer, big bigint, ok boolean,
  at timestamptz, data jsonb, blob bytea, tags text[]);
--> statement-breakpoint
INSERT INTO gadgets (name, n) VALUES ('seeded; by the migration', 0);
--> statement-breakpoint
CREATE INDEX gadgets_n ON gadgets (n);`;

/** A hand-written migration whose chunk holds two statements: Neon refuses it, so must the stand-in. */
const TWO_STATEMENTS_IN_ONE_CHUNK = `CREATE TABLE widgets (id int);
INSERT INTO widgets VALUES (1);`;

async function writeMigrations(migration = MIGRATION, when = 1_700_000_000_000): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'neon-stand-in-migrations-'));
  await mkdir(join(folder, 'meta'));
  await writeFile(join(folder, '0000_gadgets.sql'), migration);
  const journal = { version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when, tag: '0000_gadgets', breakpoints: true }] };
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  return folder;
}

describe.each(BACKENDS)('drizzle-orm/neon-http against the stand-in on $kind', (backendCase) => {
  let served: Served;
  let db: NeonHttpDatabase;
  let migrations: string;
  beforeAll(async () => {
    served = await serve(backendCase);
    db = drizzle({ client: served.sql });
    migrations = await writeMigrations();
  });
  afterAll(async () => {
    await served?.close();
    if (migrations) await rm(migrations, { recursive: true, force: true });
  });

  it('runs drizzle migrations, once', async () => {
    await migrate(db, { migrationsFolder: migrations });
    await migrate(db, { migrationsFolder: migrations });
    expect(await db.select({ name: gadgets.name }).from(gadgets)).toEqual([{ name: 'seeded; by the migration' }]);
    const applied = await db.execute(raw`SELECT count(*)::int AS c FROM drizzle.__drizzle_migrations`);
    expect(applied.rows).toEqual([{ c: 1 }]);
    const index = await db.execute(raw`SELECT indexname FROM pg_indexes WHERE indexname = 'gadgets_n'`);
    expect(index.rows).toEqual([{ indexname: 'gadgets_n' }]);
  });

  it('refuses a migration chunk holding two statements, as Neon does, and applies none of it', async () => {
    // Later than the migration applied above, so the migrator sees it as pending.
    const folder = await writeMigrations(TWO_STATEMENTS_IN_ONE_CHUNK, 1_800_000_000_000);
    try {
      const refused: unknown = await migrate(db, { migrationsFolder: folder }).catch((e: unknown) => e);
      expect((refused as DrizzleQueryError).cause).toMatchObject({ code: '42601', message: 'cannot insert multiple commands into a prepared statement' });
      expect((await db.execute(raw`SELECT to_regclass('widgets') AS t`)).rows).toEqual([{ t: null }]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('inserts and selects values of many types', async () => {
    const values = {
      name: 'first',
      n: 7,
      big: 9007199254740993n,
      ok: false,
      at: new Date('2024-05-06T07:08:09.010Z'),
      data: { tags: ['x', 'y'] },
      blob: Buffer.from('héllo'),
      tags: ['a', 'b,c', 'd"e'],
    };
    const [inserted] = await db.insert(gadgets).values(values).returning();
    expect(inserted).toEqual({ id: expect.any(Number), ...values });
    expect(await db.select().from(gadgets).where(eq(gadgets.name, 'first'))).toEqual([inserted]);
    const [empty] = await db.insert(gadgets).values({ name: 'empty' }).returning();
    expect(empty).toEqual({ id: expect.any(Number), name: 'empty', n: null, big: null, ok: null, at: null, data: null, blob: null, tags: null });
  });

  it('runs db.batch in one transaction and maps each result', async () => {
    const [inserted, selected, counted] = await db.batch([
      db.insert(gadgets).values({ name: 'batched', n: 3 }).returning({ id: gadgets.id, n: gadgets.n }),
      db.select({ name: gadgets.name }).from(gadgets).where(eq(gadgets.n, 3)),
      db.execute(raw`SELECT count(*)::int AS c FROM gadgets WHERE name = 'batched'`),
    ]);
    expect(inserted).toEqual([{ id: expect.any(Number), n: 3 }]);
    expect(selected).toEqual([{ name: 'batched' }]);
    expect(counted.rows).toEqual([{ c: 1 }]);
  });

  it('rolls back a db.batch that fails part-way', async () => {
    const batch = db.batch([
      db.insert(gadgets).values({ name: 'never-committed' }),
      db.insert(gadgets).values({ name: 'first' }),
    ]);
    await expect(batch).rejects.toMatchObject({ code: '23505' });
    expect(await db.select().from(gadgets).where(eq(gadgets.name, 'never-committed'))).toEqual([]);
  });

  it('surfaces a unique violation with code 23505', async () => {
    const error: unknown = await db.insert(gadgets).values({ name: 'first' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DrizzleQueryError);
    expect((error as DrizzleQueryError).cause).toMatchObject({
      name: 'NeonDbError',
      code: '23505',
      constraint: 'gadgets_name_key',
      table: 'gadgets',
      detail: 'Key (name)=(first) already exists.',
    });
  });
});
