import { join } from 'node:path';
import pino from 'pino';
import { migrateDatabase } from '../drizzle/migrate.ts';
import { loadFunctionsConfig } from '../shared/config/functions-config.ts';
import { loadSocketHostConfig } from '../shared/config/socket-host-config.ts';
import { createDb } from '../shared/db.ts';
import { ensureAdminKey } from '../functions/keys/api-keys.ts';
import { startFunctions } from '../functions/node-server.ts';
import { createServices } from '../functions/services.ts';
import { startSocketHost, type SocketHost, type SocketHostOptions } from '../socket-host/host.ts';
import { closeSocketHostSentry, initSocketHostSentry, sentryLogHooks, socketHostSentryActive } from '../socket-host/sentry.ts';
import { freePort } from './free-port.ts';
import { STAND_IN_REDIS_TOKEN, standInEnv } from '../shared/config/local-defaults.ts';
import { createStandIns, type StandIns } from './services.ts';
import { listen } from './listen.ts';
import { startMediaCdn, type MediaCdn } from './media-cdn.ts';

export type StackOptions = {
  /** Real PostgreSQL and Redis (services mode); unset = embedded PGlite and Redis engine. */
  databaseUrl?: string;
  redisUrl?: string;
  /** Embedded data (PGlite, pending queue messages); unset = in memory. */
  dataDir?: string;
  /** 0 or unset = a free port. */
  ports?: { functions?: number; socketHost?: number; services?: number };
  /** Extra variables for both sides (AI_*, API_KEY, WA_STATUS_EVENTS…). */
  env?: Record<string, string | undefined>;
  /** The WhatsApp boundary: tests pass a fake socket; the default is Baileys. */
  makeSocket?: SocketHostOptions['makeSocket'];
  playground?: boolean;
  /** The stand-in of WhatsApp's media servers (started with the playground unless given). */
  mediaCdn?: MediaCdn;
  /** Socket-host timings (throttle, reconnects…), for tests and benchmarks. */
  socketHostTuning?: SocketHostOptions['tuning'];
  qstashRetryDelayMs?: (retried: number) => number;
  logLevel?: string;
};

/**
 * The whole local stack in one process: stand-ins, migrations, the admin key, the socket-host and the
 * functions. `npm run dev` and the integration tests both start it, so the tests run what users run.
 */
export async function startStack(options: StackOptions = {}) {
  const log = pino({ level: options.logLevel ?? options.env?.LOG_LEVEL ?? 'silent' });
  const port = async (p?: number) => (p ? p : await freePort());
  const [functionsPort, socketHostPort, servicesPort] = await Promise.all([
    port(options.ports?.functions),
    port(options.ports?.socketHost),
    port(options.ports?.services),
  ]);
  // Bind the port before opening the embedded database: a second `npm run dev` on the same data
  // must stop at the taken port, never open PGlite's files while another process holds them.
  let standIns: StandIns | undefined;
  const servicesServer = await listen((req) => standIns!.app.fetch(req), servicesPort);
  standIns = createStandIns({
    databaseUrl: options.databaseUrl,
    redisUrl: options.redisUrl,
    dataDir: options.dataDir,
    redisToken: STAND_IN_REDIS_TOKEN,
    qstashRetryDelayMs: options.qstashRetryDelayMs,
    log: (line) => log.debug(line),
  });

  // The playground's customers send media as WhatsApp's do: encrypted, fetched from a media server.
  const ownCdn = options.playground && !options.mediaCdn ? await startMediaCdn() : undefined;
  const mediaCdn = options.mediaCdn ?? ownCdn;

  // Product code reaches the database only through Neon's HTTP protocol, here served by the stand-in.
  const env = {
    ...standInEnv({ services: servicesPort, functions: functionsPort, socketHost: socketHostPort }),
    LOG_LEVEL: options.logLevel ?? 'silent',
    ...(mediaCdn ? { MEDIA_CDN_URL: mediaCdn.url } : {}),
    ...(options.dataDir ? { MEDIA_DIR: join(options.dataDir, 'media') } : {}),
    ...options.env,
  };
  const functionsConfig = loadFunctionsConfig(env);
  const socketHostConfig = loadSocketHostConfig(env);

  const db = createDb(functionsConfig.DATABASE_URL, functionsConfig.DATABASE_HTTP_URL);
  await migrateDatabase(db);
  const adminKey = await ensureAdminKey(db, functionsConfig.API_KEY);

  // SENTRY_DSN: the embedded socket-host reports as the container's does (one @sentry/node client for
  // the process). Uncaught errors are left to Node here: this process is also the functions' and the
  // tests', and an error of theirs is not the socket-host's.
  const ownsSentry = !socketHostSentryActive() && (await initSocketHostSentry(socketHostConfig.SENTRY_DSN, { catchUnhandled: false }));
  // Its own root logger, carrying the hooks that report failures; the functions' lines go to theirs.
  const hostLog = pino({ level: options.logLevel ?? options.env?.LOG_LEVEL ?? 'silent', hooks: sentryLogHooks() }).child({ side: 'socket-host' });
  const startHost = () =>
    startSocketHost({
      config: { ...socketHostConfig, listenPort: socketHostPort },
      makeSocket: options.makeSocket,
      playground: options.playground,
      mediaCdn,
      tuning: options.socketHostTuning,
      printQr: options.makeSocket === undefined,
      log: hostLog,
    });
  let socketHost: SocketHost | undefined = await startHost();
  const functionsServices = createServices(functionsConfig, log.child({ side: 'functions' }));
  const functions = await startFunctions({ services: functionsServices, port: functionsPort, console: true });

  return {
    urls: { functions: functions.url, socketHost: `http://127.0.0.1:${socketHostPort}`, services: servicesServer.url },
    adminKey,
    env,
    db,
    standIns: standIns as StandIns,
    /** The running socket-host (undefined while stopped by `stopSocketHost`). */
    get socketHost() {
      return socketHost;
    },
    /** Stops the socket-host as a crash or a deploy would; the rest keeps running. */
    async stopSocketHost() {
      await socketHost?.stop();
      socketHost = undefined;
    },
    /** Starts it again on the same port and database. */
    async startSocketHost() {
      socketHost ??= await startHost();
      return socketHost;
    },
    functions: { ...functions, services: functionsServices },
    describe: (standIns as StandIns).describe,
    async stop() {
      await functions.stop();
      await socketHost?.stop();
      await standIns!.close();
      await servicesServer.close();
      await ownCdn?.close();
      if (ownsSentry) await closeSocketHostSentry();
    },
  };
}

export type Stack = Awaited<ReturnType<typeof startStack>>;
