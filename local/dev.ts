/**
 * `npm run dev` / `npm start`: the whole stack on this machine, with no account and no Docker.
 * Embedded by default (PGlite under .data/, embedded Redis engine); DATABASE_URL and REDIS_URL switch
 * the stand-ins to a real PostgreSQL and Redis (services mode).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, parseEnv, port, postgresUrl } from '../shared/config/parse-env.ts';
import { LOCAL_SERVICES_PORT } from '../shared/config/local-defaults.ts';
import { PLAYGROUND_SESSION_ID } from '../socket-host/host.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { startAlertsTimer } from '../functions/alerts/local-timer.ts';
import { startRetentionTimer } from '../functions/retention/local-timer.ts';
import { sessionSentence } from './session-words.ts';
import { startStack, type Stack } from './stack.ts';

const devSchema = z.object({
  MODE: z.literal('local'),
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\/\S+$/, 'must be a redis:// URL').optional(),
  PORT: port.default(8787),
  SOCKET_HOST_PORT: port.default(8788),
  LOCAL_SERVICES_PORT: port.default(LOCAL_SERVICES_PORT),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
});
const cloudRefused = z.object({ MODE: z.literal('local', { error: 'must be "local" for npm run dev; cloud runs on Workers/Vercel and Railway' }) });

async function main() {
  const started = performance.now();
  // The cloud schema only ever fails (MODE=cloud is refused here), so a parsed env is the local one.
  const env = parseEnv({ local: devSchema, cloud: cloudRefused }, process.env) as z.output<typeof devSchema>;
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  console.log(`ia_agent: starting the local stack (data in ${dataDir})…`);
  await ensureConsoleBuilt();

  const { DATABASE_URL, REDIS_URL, PORT, SOCKET_HOST_PORT, LOCAL_SERVICES_PORT: servicesPort, ...rest } = env;
  const stack = await startStack({
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    dataDir,
    ports: { functions: PORT, socketHost: SOCKET_HOST_PORT, services: servicesPort },
    env: pickProductEnv(process.env),
    playground: true,
    logLevel: rest.LOG_LEVEL,
  });
  // RETENTION_DAYS: the daily purge the cloud gets from a cron or a QStash schedule.
  const retention = startRetentionTimer(stack.functions.services);
  // ALERT_WEBHOOK_URL: the 2-minute alert check the cloud gets from a cron or a QStash schedule.
  const alertsTimer = startAlertsTimer(stack.functions.services);
  const where = stack.describe();
  const admin = stack.adminKey.generated
    ? `${stack.adminKey.generated}   ← shown once: copy it now (stored hashed)`
    : stack.adminKey.source === 'environment'
      ? `${stack.adminKey.prefix} (API_KEY)`
      : `${stack.adminKey.prefix} (created on an earlier start; set API_KEY to choose your own)`;
  console.log(
    [
      '',
      `ia_agent is up in ${Math.round(performance.now() - started)} ms`,
      `  functions    ${stack.urls.functions}   (health: ${stack.urls.functions}/api/health)`,
      `  console      ${stack.urls.functions}/console   (sign in with the admin key)`,
      `  playground   ${stack.urls.functions}/playground`,
      `  socket-host  ${stack.urls.socketHost}`,
      `  stand-ins    ${stack.urls.services}   (QStash /v2, Upstash Redis /redis, Neon /sql)`,
      `  database     ${where.database}; redis: ${where.redis}`,
      `  model        ${process.env.AI_BASE_URL ? `${process.env.AI_MODEL ?? '(AI_MODEL unset)'} at ${process.env.AI_BASE_URL}` : 'none (set AI_BASE_URL, AI_API_KEY, AI_MODEL); the agent answers from its rules and fallback text'}`,
      `  admin key    ${admin}`,
      '',
      'Ctrl-C stops everything.',
    ].join('\n'),
  );
  sayWhatsAppStates(stack);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    retention?.stop();
    alertsTimer?.stop();
    await stack.stop();
    console.log('stopped; data kept for the next start.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

/**
 * Each linked number's state in a plain sentence, now and on every change, whatever LOG_LEVEL hides:
 * the JSON log lines alone never told a new user that WhatsApp could not be reached.
 */
function sayWhatsAppStates(stack: Stack): void {
  for (const session of stack.socketHost?.sessions.values() ?? []) {
    // The playground's socket is in-process and always linked: nothing to tell.
    if (session.id === PLAYGROUND_SESSION_ID) continue;
    const say = (view: ReturnType<typeof session.view>) => {
      const sentence = sessionSentence(view, stack.urls.functions);
      if (sentence) console.log(sentence);
    };
    say(session.view());
    session.onChange(say);
  }
}

/** Only the product's own variables pass through; the dev-only ones above are consumed here. */
function pickProductEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const names = [
    'AI_BASE_URL', 'AI_API_KEY', 'AI_MODEL', 'AI_TRANSCRIPTION_MODEL', 'AI_EMBEDDING_MODEL', 'AI_MAX_INPUT_TOKENS', 'AI_VISION', 'API_KEY', 'CORS_ORIGINS', 'LOG_LEVEL', 'WA_SESSIONS', 'WA_STATUS_EVENTS', 'WA_FORWARD_GROUPS',
    'CONTACT_REPLIES_PER_HOUR', 'API_RATE_LIMIT_PER_KEY', 'API_RATE_LIMIT_PER_CONTACT', 'WEBHOOK_RETRIES', 'WEBHOOK_RETRY_DELAY', 'RETENTION_DAYS', 'ALERT_WEBHOOK_URL',
    'SENTRY_DSN',
    // What /v1/usage prices the counted usage at.
    'PRICE_CURRENCY', 'PRICE_MODEL_INPUT_PER_MTOK', 'PRICE_MODEL_OUTPUT_PER_MTOK', 'PRICE_QSTASH_PER_100K', 'PRICE_REDIS_PER_100K', 'PRICE_WORKERS_PER_MILLION',
    // A local MinIO (or a real bucket) instead of the .data/media folder.
    'MEDIA_S3_ENDPOINT', 'MEDIA_S3_BUCKET', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY', 'MEDIA_S3_REGION',
  ];
  return Object.fromEntries(names.filter((n) => env[n]).map((n) => [n, env[n]]));
}

main().catch((err: unknown) => {
  // One clear sentence, no stack trace, for the mistakes a user can fix.
  if (err instanceof ConfigError) console.error(`ia_agent: ${err.message}`);
  else if (isAddressInUse(err)) console.error(`ia_agent: port ${err.port} is already in use; stop the other process or set PORT / SOCKET_HOST_PORT / LOCAL_SERVICES_PORT.`);
  else console.error(`ia_agent: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

function isAddressInUse(err: unknown): err is { port: number } {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'EADDRINUSE';
}
