import { fileURLToPath } from 'node:url';
import { migrate } from 'drizzle-orm/neon-http/migrator';
import type { Db } from '../shared/db.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** Applies drizzle/migrations through the same Neon HTTP client the code uses; already applied ones are skipped. */
export async function migrateDatabase(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
