import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_POSTGRES_ADMIN_URL } from '../test-support/postgres.ts';

const migrate = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['drizzle/migrate-cli.ts'], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });

// What the migrations folder holds now (other changes add migrations): how many, and the tables they create.
const MIGRATIONS_DIR = 'drizzle/migrations';
const MIGRATION_COUNT = (JSON.parse(readFileSync(join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] }).entries.length;
const TABLE_COUNT = readdirSync(MIGRATIONS_DIR)
  .filter((name) => name.endsWith('.sql'))
  .map((name) => readFileSync(join(MIGRATIONS_DIR, name), 'utf8'))
  .reduce((n, text) => n + (text.match(/^CREATE TABLE/gm)?.length ?? 0) - (text.match(/^DROP TABLE/gm)?.length ?? 0), 0);

// Opening PGlite (PostgreSQL in WebAssembly) and migrating it takes half a minute on a busy 2-core machine.
const PGLITE_TIMEOUT_MS = 120_000;

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
  }, PGLITE_TIMEOUT_MS);

  it('says in one sentence that PostgreSQL refuses connections, and fails', async () => {
    const port = await closedPort();
    const run = migrate({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/app` });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(`db:migrate: cannot connect to PostgreSQL at 127.0.0.1:${port}: connection refused (is it running?).`);
  });

  it('says in one sentence that the database does not exist, and fails', () => {
    const url = new URL(TEST_POSTGRES_ADMIN_URL);
    url.pathname = '/no_such_database_here';
    const run = migrate({ DATABASE_URL: url.toString() });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `db:migrate: PostgreSQL at ${url.hostname}:${url.port || 5432} has no database "no_such_database_here" (create it, or fix the name in DATABASE_URL).`,
    );
  });

  it('refuses the PGlite data while the local stack has it open, and takes it once that process is gone', async () => {
    const data = join(dataDir, 'in-use');
    // What `npm run dev` does with the data folder: the stand-in's PGlite backend, opened and used.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { pgliteBackend } = await import(${JSON.stringify(new URL('../local/neon/pglite-backend.ts', import.meta.url).href)});
         await pgliteBackend(${JSON.stringify(join(data, 'pglite'))}).query('select 1', []);
         console.log('ready');
         setInterval(() => {}, 60_000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout, 'data');
      const refused = migrate({ DATA_DIR: data });
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim()).toBe(
        `db:migrate: npm run dev (pid ${holder.pid}) has the PGlite database in ${join(data, 'pglite')} open; ` +
          'stop it first (it applies pending migrations itself each time it starts).',
      );
    } finally {
      holder.kill('SIGKILL'); // as a crash would: its lock file stays behind
      if (holder.exitCode === null && holder.signalCode === null) await once(holder, 'exit');
    }
    const afterwards = migrate({ DATA_DIR: data });
    expect(afterwards.stderr).toBe('');
    expect(afterwards.stdout).toContain(`done; ${MIGRATION_COUNT} applied now, ${MIGRATION_COUNT} in all.`);
  }, 2 * PGLITE_TIMEOUT_MS);

  it('refuses a malformed DATABASE_URL in one sentence', () => {
    const run = migrate({ DATABASE_URL: 'nonsense' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('db:migrate: Configuration is invalid: DATABASE_URL must be a postgres:// connection string.');
  });
});

/** A port nothing listens on (just released by the OS to us). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
