/**
 * `npm run db:migrate`: applies drizzle/migrations to DATABASE_URL — Neon (or any Neon-compatible HTTP
 * endpoint named by DATABASE_HTTP_URL) through the driver the product uses, a plain PostgreSQL through
 * node-postgres, and with no DATABASE_URL the local PGlite data under DATA_DIR (default .data).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { createDb } from '../shared/db.ts';
import { ConfigError, httpUrl, parseEnv, postgresUrl } from '../shared/config/parse-env.ts';
import { lockPgliteFolder, PgliteFolderInUse } from '../local/neon/pglite-lock.ts';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts';

const schema = z.object({
  MODE: z.enum(['local', 'cloud']),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_HTTP_URL: httpUrl.optional(),
  DATA_DIR: z.string().default('.data'),
});

type Target = {
  label: string;
  apply(): Promise<void>;
  applied(): Promise<number>;
  /** Turns a failure into one sentence about this target (connection refused, no such database…). */
  explain(error: unknown): string;
  close(): Promise<void>;
};

async function target(env: z.output<typeof schema>): Promise<Target> {
  if (!env.DATABASE_URL) {
    const dir = resolve(env.DATA_DIR, 'pglite');
    // Before opening anything: `npm run dev` may have these files open (see pglite-lock.ts).
    const release = lockPgliteFolder(dir, 'npm run db:migrate');
    // PGlite does not create missing parent folders itself.
    mkdirSync(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const { PGLITE_EXTENSIONS } = await import('../local/neon/pglite-extensions.ts');
    const client = new PGlite(dir, { extensions: PGLITE_EXTENSIONS });
    return {
      label: `the local PGlite database in ${dir}`,
      apply: () => migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER }),
      applied: () => countApplied((text) => client.query<{ n: number }>(text).then((r) => r.rows)),
      explain: (error) => `the local PGlite database in ${dir} failed: ${rootCause(error).message}`,
      async close() {
        await client.close();
        release();
      },
    };
  }
  const url = new URL(env.DATABASE_URL);
  const where = redact(env.DATABASE_URL);
  const server = `PostgreSQL at ${url.hostname}:${url.port || 5432}`;
  if (env.DATABASE_HTTP_URL || url.hostname.endsWith('.neon.tech')) {
    const db = createDb(env.DATABASE_URL, env.DATABASE_HTTP_URL);
    const endpoint = env.DATABASE_HTTP_URL ?? `Neon's HTTP endpoint for ${url.hostname}`;
    return {
      label: `${where} (Neon HTTP)`,
      apply: () => migrateDatabase(db),
      applied: () => countApplied(async (text) => (await db.execute(sql.raw(text))).rows as { n: number }[]),
      explain: (error) => explain(error, { server: endpoint, url }),
      close: async () => undefined,
    };
  }
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1, connectionTimeoutMillis: 10_000 });
  // A connection dropped while idle (server restart) must not crash the command with an 'error' event.
  pool.on('error', () => undefined);
  return {
    label: where,
    apply: () => migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER }),
    applied: () => countApplied((text) => pool.query<{ n: number }>(text).then((r) => r.rows)),
    explain: (error) => explain(error, { server, url }),
    close: () => pool.end(),
  };
}

/** Rows in drizzle's own journal table; 0 before the first migration ever ran. */
async function countApplied(query: (text: string) => Promise<{ n: number }[]>): Promise<number> {
  try {
    const [row] = await query('select count(*)::int as n from drizzle.__drizzle_migrations');
    return Number(row?.n ?? 0);
  } catch {
    return 0;
  }
}

type Failure = Error & { code?: string };

/**
 * What actually went wrong, under drizzle's "Failed query: …", the Neon driver's "Error connecting
 * to database" (its sourceError) and fetch's "fetch failed" wrappers.
 */
function rootCause(error: unknown): Failure {
  let current: unknown = error;
  for (let depth = 0; depth < 10; depth += 1) {
    const wrapper = current as { cause?: unknown; sourceError?: unknown } | undefined;
    const next: unknown = wrapper?.cause ?? wrapper?.sourceError;
    // An AggregateError (every address of a host refused) carries the code itself.
    if (next === undefined || (current as Failure).code) break;
    current = next;
  }
  return current instanceof Error ? (current as Failure) : new Error(String(current));
}

/** One sentence for the failures a user can fix, naming the server, user or database concerned. */
function explain(error: unknown, where: { server: string; url: URL }): string {
  const cause = rootCause(error);
  const user = decodeURIComponent(where.url.username) || 'postgres';
  const database = decodeURIComponent(where.url.pathname.slice(1)) || user;
  switch (cause.code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${where.server}: connection refused (is it running?).`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${where.server}: the host name does not resolve.`;
    case 'ETIMEDOUT':
    case 'ECONNRESET':
      return `cannot connect to ${where.server}: the connection ${cause.code === 'ETIMEDOUT' ? 'timed out' : 'was reset'}.`;
    case '28P01':
    case '28000':
      return `${where.server} refused user "${user}": authentication failed (check the user and password in DATABASE_URL).`;
    case '3D000':
      return `${where.server} has no database "${database}" (create it, or fix the name in DATABASE_URL).`;
    case '57P03':
      return `${where.server} is starting up or shutting down; try again in a moment.`;
  }
  if (cause.message === 'timeout exceeded when trying to connect') return `cannot connect to ${where.server}: no answer within 10 s.`;
  return `${where.server} failed: ${cause.message}${cause.code ? ` (${cause.code})` : ''}`;
}

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function main(): Promise<number> {
  const env = parseEnv({ local: schema, cloud: schema }, process.env);
  const t = await target(env);
  try {
    console.log(`db:migrate: applying drizzle/migrations to ${t.label}…`);
    const before = await t.applied();
    await t.apply();
    const after = await t.applied();
    console.log(`db:migrate: done; ${after - before} applied now, ${after} in all.`);
    return 0;
  } catch (error) {
    console.error(`db:migrate: ${t.explain(error)}`);
    return 1;
  } finally {
    await t.close().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof PgliteFolderInUse) {
      const advice =
        err.owner.command === 'npm run dev'
          ? 'stop it first (it applies pending migrations itself each time it starts)'
          : 'wait for it to finish';
      console.error(`db:migrate: ${err.owner.command} (pid ${err.owner.pid}) has the PGlite database in ${err.folder} open; ${advice}.`);
    } else {
      console.error(`db:migrate: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
    }
    process.exit(1);
  },
);
