import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNeonStandIn } from '../local/neon/neon-stand-in.ts';
import { pgliteBackend } from '../local/neon/pglite-backend.ts';
import { listen } from '../test-support/listen.ts';
import { createDb } from '../shared/db.ts';
import type { Db } from '../shared/db.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts';

/** A migrations folder with one migration (drizzle-kit's layout), its statements split as drizzle-kit splits them. */
async function migrationsFolder(statements: string[]): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'ia-agent-migrations-'));
  await mkdir(join(folder, 'meta'));
  await writeFile(join(folder, '0000_first.sql'), statements.join('\n--> statement-breakpoint\n'));
  const entries = [{ idx: 0, version: '7', when: 1_700_000_000_000, tag: '0000_first', breakpoints: true }];
  await writeFile(join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
  return folder;
}

/** The product's path to the database: Neon's HTTP protocol, here served by the stand-in. */
describe('migrateDatabase through Neon HTTP', () => {
  let db: Db;
  let stop: () => Promise<void>;
  const folders: string[] = [];
  beforeAll(async () => {
    const standIn = createNeonStandIn({ backend: pgliteBackend(undefined) });
    const server = await listen(standIn.app.fetch);
    db = createDb('postgresql://migrate:test@migrate-test.neon.test/app', `${server.url}/sql`);
    stop = async () => {
      await server.close();
      await standIn.close();
    };
  });
  afterAll(async () => {
    await stop?.();
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });
  const tableExists = async (name: string) =>
    (await db.execute<{ t: string | null }>(sql`SELECT to_regclass(${name})::text AS t`)).rows[0]?.t !== null;

  it('applies a migration that fails half-way not at all, and the corrected one whole on the next run', async () => {
    const broken = await migrationsFolder([
      'CREATE TABLE first_half (id int);',
      'CREATE TABLE second_half (id int REFERENCES no_such_table (id));',
    ]);
    folders.push(broken);
    const error = await migrateDatabase(db, broken).then(
      () => undefined,
      (e: unknown) => e as { code?: string; cause?: { code?: string } },
    );
    expect(error?.code ?? error?.cause?.code).toBe('42P01'); // the missing table, as Postgres reported it
    expect(await tableExists('first_half')).toBe(false);
    expect((await db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows).toEqual([{ n: 0 }]);

    const fixed = await migrationsFolder(['CREATE TABLE first_half (id int PRIMARY KEY);', 'CREATE TABLE second_half (id int REFERENCES first_half (id));']);
    folders.push(fixed);
    await migrateDatabase(db, fixed);
    await migrateDatabase(db, fixed); // applied once only
    expect([await tableExists('first_half'), await tableExists('second_half')]).toEqual([true, true]);
    expect((await db.execute(sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`)).rows).toEqual([{ n: 1 }]);
  });

  it('applies the product migrations, each statement as Neon takes it', async () => {
    await db.execute(sql`DROP SCHEMA drizzle CASCADE`);
    await migrateDatabase(db, MIGRATIONS_FOLDER);
    expect(await tableExists('messages')).toBe(true);
  });
});
