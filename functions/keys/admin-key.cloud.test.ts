import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen, type Listening } from '../../local/listen.ts';
import { createStandIns, type StandIns } from '../../local/services.ts';
import { STAND_IN_REDIS_TOKEN } from '../../shared/config/local-defaults.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { createTestDatabase } from '../../test-support/postgres.ts';
import { TEST_REDIS_URL } from '../../test-support/redis.ts';

/**
 * The README's deploy steps on a clean database, in cloud mode: `npm run db:migrate`, the variables set
 * (API_KEY among them, real signing keys), and nothing else. The app is the exported one that Workers
 * and Vercel run, reading its variables from the environment on the first request as Node and Vercel
 * do; the first /v1 call with API_KEY must work.
 */
const run = promisify(execFile);
const API_KEY = `iak_${crypto.randomUUID().replaceAll('-', '')}${crypto.randomUUID().replaceAll('-', '')}`.slice(0, 47);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let standIns: StandIns;
let server: Listening;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  standIns = createStandIns({ databaseUrl: database.url, redisUrl: TEST_REDIS_URL, redisToken: STAND_IN_REDIS_TOKEN });
  server = await listen(standIns.app.fetch);
  // Neon's HTTP endpoint, Upstash Redis and QStash are the stand-ins; everything else as in production.
  env = {
    MODE: 'cloud',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `postgres://ia_agent:secret@127.0.0.1:${server.port}/ia_agent`,
    DATABASE_HTTP_URL: `${server.url}/sql`,
    UPSTASH_REDIS_REST_URL: `${server.url}/redis`,
    UPSTASH_REDIS_REST_TOKEN: STAND_IN_REDIS_TOKEN,
    QSTASH_URL: server.url,
    QSTASH_TOKEN: QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN,
    QSTASH_CURRENT_SIGNING_KEY: `sig_${crypto.randomUUID()}`,
    QSTASH_NEXT_SIGNING_KEY: `sig_${crypto.randomUUID()}`,
    API_KEY,
    PUBLIC_URL: 'https://ia-agent-functions.example.workers.dev',
    SOCKET_HOST_URL: 'http://127.0.0.1:9',
  };
  // `DATABASE_URL=… npm run db:migrate`, as the README says (the Neon HTTP endpoint is the stand-in's).
  await run('npm', ['run', 'db:migrate'], {
    env: { ...process.env, MODE: 'cloud', DATABASE_URL: env.DATABASE_URL, DATABASE_HTTP_URL: env.DATABASE_HTTP_URL },
  });
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  await standIns?.close();
  await database?.drop();
});

describe('the README’s deploy steps, on a clean database in cloud mode', () => {
  it('give a working admin key: API_KEY answers 200 on /v1 from the first request', async () => {
    const { default: app } = await import('../index.ts');
    const call = (path: string, key = API_KEY) => app.request(path, { headers: { authorization: `Bearer ${key}` } });

    const keys = await call('/v1/keys');
    expect(keys.status).toBe(200);
    const { data } = (await keys.json()) as { data: { source: string; scopes: string[] }[] };
    expect(data).toEqual([expect.objectContaining({ source: 'environment', scopes: expect.arrayContaining(['keys:admin']) })]);
    expect((await call('/v1/conversations')).status).toBe(200);

    // It can mint the integrations' keys, which then work too; a wrong key is still refused.
    const created = await app.request('/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'crm', scopes: ['conversations:read'] }),
    });
    expect(created.status).toBe(201);
    expect((await call('/v1/conversations', ((await created.json()) as { key: string }).key)).status).toBe(200);
    expect((await call('/v1/conversations', `${API_KEY.slice(0, -1)}x`)).status).toBe(401);
  });
});
