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
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts';

const schema = z.object({
  MODE: z.enum(['local', 'cloud']),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_HTTP_URL: httpUrl.optional(),
  DATA_DIR: z.string().default('.data'),
});

type Target = { label: string; apply(): Promise<void>; applied(): Promise<number> };

async function target(env: z.output<typeof schema>): Promise<Target> {
  if (!env.DATABASE_URL) {
    const dir = resolve(env.DATA_DIR, 'pglite');
    // PGlite does not create missing parent folders itself.
    mkdirSync(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const client = new PGlite(dir);
    return {
      label: `the local PGlite database in ${dir}`,
      apply: () => migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER }),
      applied: () => countApplied((text) => client.query<{ n: number }>(text).then((r) => r.rows)),
    };
  }
  const where = redact(env.DATABASE_URL);
  const host = new URL(env.DATABASE_URL).hostname;
  if (env.DATABASE_HTTP_URL || host.endsWith('.neon.tech')) {
    const db = createDb(env.DATABASE_URL, env.DATABASE_HTTP_URL);
    return {
      label: `${where} (Neon HTTP)`,
      apply: () => migrateDatabase(db),
      applied: () => countApplied(async (text) => (await db.execute(sql.raw(text))).rows as { n: number }[]),
    };
  }
  const pg = (await import('pg')).default;
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
  return {
    label: where,
    apply: () => migrate(drizzle({ client: pool }), { migrationsFolder: MIGRATIONS_FOLDER }),
    applied: () => countApplied((text) => pool.query<{ n: number }>(text).then((r) => r.rows)),
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

const redact = (url: string) => {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
};

async function main() {
  const env = parseEnv({ local: schema, cloud: schema }, process.env);
  const t = await target(env);
  console.log(`db:migrate: applying drizzle/migrations to ${t.label}…`);
  const before = await t.applied();
  await t.apply();
  const after = await t.applied();
  console.log(`db:migrate: done; ${after - before} applied now, ${after} in all.`);
  process.exit(0);
}

main().catch((err: unknown) => {
  const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err);
  console.error(`db:migrate: ${message}`);
  process.exit(1);
});
