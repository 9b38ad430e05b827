import { Client, Receiver } from '@upstash/qstash';
import { Redis } from '@upstash/redis';
import pino, { type Logger } from 'pino';
import { createDb, type Db } from '../shared/db.ts';
import type { FunctionsConfig } from '../shared/config/functions-config.ts';
import type { MediaBucket } from './media/bucket.ts';
import { LocalFolderBucket } from './media/local-folder-bucket.ts';
import { isR2Binding, R2MediaBucket } from './media/r2-bucket.ts';
import { S3MediaBucket } from './media/s3-bucket.ts';
import { countRedisCommands } from './usage/count-redis.ts';
import { UsageMeter } from './usage/meter.ts';

/** Everything a request or a hook needs, built once per isolate (Workers) or process (Node). */
export type Services = {
  config: FunctionsConfig;
  db: Db;
  redis: Redis;
  qstash: Client;
  receiver: Receiver;
  log: Logger;
  /** The product's own upstream usage per day (GET /v1/usage); Redis commands are counted as sent. */
  usage: UsageMeter;
  /** Where decrypted media is kept; none: media messages are stored and shown as unavailable. */
  media: MediaBucket | undefined;
};

/** `bindings`: on Workers, the non-text bindings of the environment (an R2 bucket as `MEDIA_BUCKET`). */
export function createServices(config: FunctionsConfig, log?: Logger, bindings: { MEDIA_BUCKET?: unknown } = {}): Services {
  const services: Services = {
    config,
    db: createDb(config.DATABASE_URL, config.DATABASE_HTTP_URL),
    redis: new Redis({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
      enableTelemetry: false,
      // Two quick retries: a hook that fails is retried by QStash anyway, and health must answer fast.
      retry: { retries: 2, backoff: (n) => 50 * 2 ** n },
    }),
    qstash: new Client({ baseUrl: config.QSTASH_URL, token: config.QSTASH_TOKEN, enableTelemetry: false }),
    // Keys passed explicitly: on Workers the Receiver cannot fall back to process.env.
    receiver: new Receiver({
      currentSigningKey: config.QSTASH_CURRENT_SIGNING_KEY,
      nextSigningKey: config.QSTASH_NEXT_SIGNING_KEY,
    }),
    log: log ?? pino({ level: config.LOG_LEVEL, base: { side: 'functions' } }),
    usage: new UsageMeter(),
    media: mediaBucket(config, bindings.MEDIA_BUCKET),
  };
  countRedisCommands(services.redis, services.usage);
  return services;
}

/**
 * The first that is configured: R2 through the Worker's `MEDIA_BUCKET` binding (no keys to keep), an
 * S3-compatible bucket (`MEDIA_S3_*`, for Vercel and Node), a folder (`MEDIA_DIR`; locally `.data/media`).
 * None in the cloud without them: media messages are kept and shown, their files unavailable.
 */
function mediaBucket(config: FunctionsConfig, binding: unknown): MediaBucket | undefined {
  if (isR2Binding(binding)) return new R2MediaBucket(binding);
  const { MEDIA_S3_ENDPOINT: endpoint, MEDIA_S3_BUCKET: bucket, MEDIA_S3_ACCESS_KEY_ID: accessKeyId, MEDIA_S3_SECRET_ACCESS_KEY: secretAccessKey } = config;
  // The config refuses a partial set, so one present means all are.
  if (endpoint && bucket && accessKeyId && secretAccessKey) {
    return new S3MediaBucket({ endpoint, bucket, accessKeyId, secretAccessKey, region: config.MEDIA_S3_REGION });
  }
  const dir = config.MEDIA_DIR ?? (config.MODE === 'local' ? '.data/media' : undefined);
  return dir ? new LocalFolderBucket(dir) : undefined;
}
