import { migrateDatabase } from '../../drizzle/migrate.ts';
import { listen } from '../../local/listen.ts';
import { createNeonStandIn, pgliteBackend, postgresBackend } from '../../local/neon/index.ts';
import { loadFunctionsConfig, type FunctionsConfig } from '../../shared/config/functions-config.ts';
import { standInEnv } from '../../shared/config/local-defaults.ts';
import { createDb } from '../../shared/db.ts';
import { createTestDatabase } from '../../test-support/postgres.ts';

/**
 * For the knowledge tests: a migrated database behind the Neon stand-in, reached through the product's
 * own client, so the search's SQL runs as it does on Neon: the tests' PostgreSQL, or PGlite (what
 * `npm run dev` runs on). `env` adds to the config (AI_BASE_URL, AI_EMBEDDING_MODEL).
 */
export async function startKnowledgeDb(kind: 'postgres' | 'pglite' = 'postgres', env: Record<string, string> = {}) {
  const database = kind === 'postgres' ? await createTestDatabase() : undefined;
  const backend = database ? postgresBackend(database.url, 2) : pgliteBackend(undefined);
  const neon = createNeonStandIn({ backend });
  const server = await listen(neon.app.fetch);
  const db = createDb(`postgres://knowledge:test@127.0.0.1:${server.port}/ia_agent`, `${server.url}/sql`);
  await migrateDatabase(db);
  const config: FunctionsConfig = loadFunctionsConfig({ ...standInEnv({ services: server.port, functions: 1, socketHost: 2 }), ...env });
  return {
    db,
    config,
    /** HTTP requests and queries the stand-in has served: one round trip is one request. */
    stats: neon.stats,
    async close() {
      await server.close();
      await neon.close();
      await database?.drop();
    },
  };
}
