/**
 * Test wiring for the /v1 and webhook tests: the real stack (stand-ins for QStash, Upstash Redis and
 * Neon over the real PostgreSQL and Redis, migrations, the admin key, the socket-host with a fake
 * WhatsApp socket, the functions over HTTP), one fresh database per call.
 */
import { sql } from 'drizzle-orm';
import { migrateDatabase } from '../../drizzle/migrate.ts';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { createDb } from '../../shared/db.ts';
import { freePort } from '../../local/free-port.ts';
import { listen } from '../../local/listen.ts';
import { createStandIns } from '../../local/services.ts';
import { startStack } from '../../local/stack.ts';
import { STAND_IN_REDIS_TOKEN, standInEnv } from '../../shared/config/local-defaults.ts';
import { createFakeSockets } from '../../test-support/fake-socket.ts';
import { createTestDatabase } from '../../test-support/postgres.ts';
import { TEST_REDIS_URL } from '../../test-support/redis.ts';
import { ensureAdminKey } from '../keys/api-keys.ts';
import { startFunctions } from '../node-server.ts';
import { createServices } from '../services.ts';

export type HarnessOptions = {
  /**
   * Variables the API reads (API_RATE_LIMIT_*, WEBHOOK_RETRY_*, CORS_ORIGINS). Until the functions'
   * config schema lists the API's own variables, they are also set on the running config object.
   */
  env?: Record<string, string>;
  /** false: no socket-host (nothing in the database changes unless a request changes it). */
  socketHost?: boolean;
};

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export async function startHarness(options: HarnessOptions = {}) {
  const database = await createTestDatabase();
  const env = options.env ?? {};
  const core = options.socketHost === false ? await startWithoutSocketHost(database.url, env) : await startFull(database.url, env);
  const base = core.functionsUrl;

  const call = (path: string, init: RequestInit & { key?: string | null; json?: unknown } = {}) => {
    const { key = core.adminKey, json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key) headers.set('authorization', `Bearer ${key}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${base}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  };

  return {
    ...core,
    base,
    call,
    /** Creates a key through the API with these scopes; returns the clear key and its id. */
    async createKey(scopes: string[], name = 'test key'): Promise<{ key: string; id: string }> {
      const res = await call('/v1/keys', { method: 'POST', json: { name, scopes } });
      if (res.status !== 201) throw new Error(`creating a key answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { key: string; id: string };
      return { key: body.key, id: body.id };
    },
    /**
     * Row count and a checksum of every table, to prove that a request changed nothing. An API key's
     * last_used_at is left out: it records authentication itself, not what the request asked for.
     */
    async snapshot(): Promise<Record<string, string>> {
      const tables = (await core.db.execute(
        sql`select schemaname || '.' || tablename as name from pg_tables where schemaname in ('public', 'drizzle') order by 1`,
      )) as unknown as { rows: { name: string }[] };
      const out: Record<string, string> = {};
      for (const { name } of tables.rows) {
    if (name === 'public.usage_daily') continue; // counts the requests themselves, like last_used_at
        const quoted = name.split('.').map((part) => `"${part}"`).join('.');
        const result = (await core.db.execute(
          sql.raw(
            `select count(*)::text || ':' || coalesce(md5(string_agg((to_jsonb(t) - 'last_used_at')::text, '|' order by (to_jsonb(t) - 'last_used_at')::text)), '-') as sum from ${quoted} t`,
          ),
        )) as unknown as { rows: { sum: string }[] };
        out[name] = result.rows[0]!.sum;
      }
      return out;
    },
    async close() {
      await core.stop();
      await database.drop();
    },
  };
}

async function startFull(databaseUrl: string, env: Record<string, string>) {
  const fake = createFakeSockets();
  const stack = await startStack({
    databaseUrl,
    redisUrl: TEST_REDIS_URL,
    makeSocket: fake.makeSocket,
    env,
    // The queue retries at once in tests unless a message asks for its own delay.
    qstashRetryDelayMs: () => 10,
  });
  return {
    functionsUrl: stack.urls.functions,
    // With API_KEY in `env`, that is the admin key (it is never stored, so nothing is generated).
    adminKey: stack.adminKey.generated ?? env.API_KEY!,
    db: stack.db,
    services: stack.functions.services,
    qstash: stack.standIns.qstash,
    fake,
    stop: () => stack.stop(),
  };
}

async function startWithoutSocketHost(databaseUrl: string, env: Record<string, string>) {
  const standIns = createStandIns({ databaseUrl, redisUrl: TEST_REDIS_URL, redisToken: STAND_IN_REDIS_TOKEN, qstashRetryDelayMs: () => 10 });
  const servicesServer = await listen(standIns.app.fetch);
  const functionsPort = await freePort();
  const config = loadFunctionsConfig({
    // Nothing listens on port 9: a send would fail, and no test of this kind may cause one.
    ...standInEnv({ services: servicesServer.port, functions: functionsPort, socketHost: 9 }),
    ...env,
  });
  const db = createDb(config.DATABASE_URL, config.DATABASE_HTTP_URL);
  await migrateDatabase(db);
  const admin = await ensureAdminKey(db, config.API_KEY);
  const services = createServices(config);
  const functions = await startFunctions({ services, port: functionsPort });
  return {
    functionsUrl: functions.url,
    adminKey: admin.generated ?? config.API_KEY!,
    db,
    services,
    qstash: standIns.qstash,
    fake: undefined,
    async stop() {
      await functions.stop();
      await standIns.close();
      await servicesServer.close();
    },
  };
}
