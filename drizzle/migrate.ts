import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Db } from '../shared/db.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Applies the pending migrations through the Neon HTTP client the code uses. Neon takes one
 * statement per query, so each migration is sent as its statements (drizzle-kit's breakpoints) in
 * one batch, which Neon runs as one transaction together with its row in drizzle's journal: a
 * migration that fails half-way leaves nothing behind and is retried whole. (drizzle's own
 * neon-http migrator sends the statements one by one, outside any transaction.) The journal is
 * drizzle's, so `npm run db:migrate` through node-postgres or PGlite sees the same history.
 */
export async function migrateDatabase(db: Db, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  await db.execute(sql`CREATE SCHEMA IF NOT EXISTS drizzle`);
  await db.execute(sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  const last = await db.execute<{ created_at: string }>(
    sql`SELECT created_at FROM drizzle.__drizzle_migrations ORDER BY created_at DESC LIMIT 1`,
  );
  const lastApplied = last.rows[0] ? Number(last.rows[0].created_at) : -Infinity;
  for (const migration of migrations) {
    if (migration.folderMillis <= lastApplied) continue;
    const statements = migration.sql.filter((text) => text.trim() !== '').map((text) => db.execute(sql.raw(text)));
    const record = db.execute(
      sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.folderMillis})`,
    );
    const [first, ...rest]: BatchItem<'pg'>[] = [...statements, record];
    await db.batch([first!, ...rest]);
  }
}
