/**
 * For the socket-host's tests: a fresh PostgreSQL database reached exactly as the product reaches
 * Neon, through the Neon HTTP stand-in and drizzle/neon-http, with the project's migrations applied.
 */
import { migrateDatabase } from '../drizzle/migrate.ts';
import { createNeonStandIn, postgresBackend } from '../local/neon/index.ts';
import { createDb, type Db } from '../shared/db.ts';
import { listen } from '../test-support/listen.ts';
import { createTestDatabase } from '../test-support/postgres.ts';

export type TestDatabase = {
  db: Db;
  /** Use these in a host's config so that it opens its own client to the same database. */
  databaseUrl: string;
  httpUrl: string;
  /** HTTP requests the stand-in served: one per query, one per batch. */
  stats: { requests: number; queries: number };
  close(): Promise<void>;
};

export async function startTestDatabase(): Promise<TestDatabase> {
  const pg = await createTestDatabase();
  const neon = createNeonStandIn({ backend: postgresBackend(pg.url) });
  const server = await listen(neon.app.fetch);
  const databaseUrl = `postgres://test:test@127.0.0.1:${server.port}/db`;
  const httpUrl = `${server.url}/sql`;
  const db = createDb(databaseUrl, httpUrl);
  await migrateDatabase(db);
  return {
    db,
    databaseUrl,
    httpUrl,
    stats: neon.stats,
    async close() {
      await server.close();
      await neon.close();
      await pg.drop();
    },
  };
}
