import { Hono } from 'hono';
import { latencyFor, NO_LATENCY, sleep, type LatencyProfile } from './cloud-latency.ts';
import { createNeonStandIn, pgliteBackend, postgresBackend } from './neon/index.ts';
import { createQStashStandIn } from './qstash/index.ts';
import { createRedisStandIn } from './redis/index.ts';

export type StandInOptions = {
  /** Real PostgreSQL (services mode); otherwise PGlite, under `dataDir` or in memory. */
  databaseUrl?: string;
  /** Real Redis (services mode); otherwise the embedded engine. */
  redisUrl?: string;
  /** Where embedded data lives (PGlite and the queue's pending messages); none = in memory. */
  dataDir?: string;
  redisToken: string;
  qstashRetryDelayMs?: (retried: number) => number;
  log?: (line: string) => void;
  /** Latency added to each call (see cloud-latency.ts); none by default. `setLatency` changes it. */
  latency?: LatencyProfile;
};

/**
 * The local stand-ins for QStash (/v2/*), Upstash Redis (/redis) and Neon's HTTP endpoint (/sql),
 * served as one app on one port. They speak the real protocols, so product code uses the real clients.
 */
export function createStandIns(options: StandInOptions) {
  let latency = options.latency ?? NO_LATENCY;
  const backend = options.databaseUrl
    ? postgresBackend(options.databaseUrl, 10, { log: options.log })
    : pgliteBackend(options.dataDir ? `${options.dataDir}/pglite` : undefined);
  const neon = createNeonStandIn({ backend, log: options.log });
  const redis = createRedisStandIn({ token: options.redisToken, redisUrl: options.redisUrl, log: options.log });
  const qstash = createQStashStandIn({
    dataFile: options.dataDir ? `${options.dataDir}/qstash.json` : undefined,
    retryDelayMs: options.qstashRetryDelayMs,
    log: options.log,
    // The time QStash takes from accepting a message to calling its destination.
    fetch: async (input, init) => {
      await sleep(latency.qstashDeliveryMs);
      return await fetch(input, init);
    },
  });

  const app = new Hono();
  // The network a call would cross in the cloud, before the stand-in answers it.
  app.use(async (c, next) => {
    await sleep(latencyFor(latency, c.req.method, c.req.path));
    await next();
  });
  app.route('/redis', redis.app);
  app.route('/', neon.app);
  app.route('/', qstash.app);

  return {
    app,
    neon,
    redis,
    qstash,
    /** Changes the latency added to each call from now on (the bench runs one phase per profile). */
    setLatency(profile: LatencyProfile) {
      latency = profile;
    },
    get latency() {
      return latency;
    },
    describe: () => ({
      database: options.databaseUrl ? 'postgresql' : options.dataDir ? 'pglite (on disk)' : 'pglite (in memory)',
      redis: redis.backend === 'redis' ? 'redis' : 'embedded',
    }),
    async close() {
      await qstash.close();
      await Promise.all([neon.close(), redis.close()]);
    },
  };
}

export type StandIns = ReturnType<typeof createStandIns>;
