import { migrateDatabase } from '../../drizzle/migrate.ts';
import { listen } from '../../local/listen.ts';
import { createNeonStandIn, postgresBackend } from '../../local/neon/index.ts';
import { createDb } from '../../shared/db.ts';
import { createTestDatabase } from '../../test-support/postgres.ts';

/**
 * For the usage tests: a fresh PostgreSQL database behind the Neon stand-in, migrated, reached through
 * the product's own client (drizzle over Neon's HTTP driver), so SQL runs exactly as it does on Neon.
 */
export async function startTestDb() {
  const database = await createTestDatabase();
  const neon = createNeonStandIn({ backend: postgresBackend(database.url, 2) });
  const server = await listen(neon.app.fetch);
  const db = createDb(`postgres://usage:test@127.0.0.1:${server.port}/ia_agent`, `${server.url}/sql`);
  await migrateDatabase(db);
  return {
    db,
    /** HTTP requests and queries the stand-in has served: one round trip is one request. */
    stats: neon.stats,
    async close() {
      await server.close();
      await neon.close();
      await database.drop();
    },
  };
}
