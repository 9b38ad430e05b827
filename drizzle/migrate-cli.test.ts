import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-support/postgres.ts';

const migrate = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['drizzle/migrate-cli.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

// What the migrations folder holds now (other changes add migrations): how many, and the tables they create.
const MIGRATIONS_DIR = 'drizzle/migrations';
const MIGRATION_COUNT = (JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const TABLE_COUNT = readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .map((name) => readFileSync(join(MIGRATIONS_DIR, name), 'utf8'))
  .reduce((n, text) => n + (text.match(/^CREATE TABLE/gm)?.length ?? 0) - (text.match(/^DROP TABLE/gm)?.length ?? 0), 0);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const dataDir = mkdtempSync(join(tmpdir(), 'ia-agent-migrate-'));
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run db:migrate', () => {
  it('applies the migrations to a PostgreSQL once, and says so', async () => {
    const first = migrate({ DATABASE_URL: database.url });
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain(`done; ${MIGRATION_COUNT} applied now, ${MIGRATION_COUNT} in all.`);
    const again = migrate({ DATABASE_URL: database.url });
    expect(again.stdout).toContain(`done; 0 applied now, ${MIGRATION_COUNT} in all.`);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`select count(*)::int as n from information_schema.tables where table_schema = 'public'`);
    await client.end();
    expect(rows[0].n).toBe(TABLE_COUNT);
  });

  it('with no DATABASE_URL, migrates the local PGlite data', () => {
    // A data folder that does not exist yet, as on a fresh clone.
    const fresh = join(dataDir, 'not-yet');
    const run = migrate({ DATA_DIR: fresh });
    expect(run.stdout).toContain(`the local PGlite database in ${join(fresh, 'pglite')}`);
    expect(run.stdout).toContain(`done; ${MIGRATION_COUNT} applied now, ${MIGRATION_COUNT} in all.`);
  });

  it('refuses a malformed DATABASE_URL in one sentence', () => {
    const run = migrate({ DATABASE_URL: 'nonsense' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('db:migrate: Configuration is invalid: DATABASE_URL must be a postgres:// connection string.');
  });
});
