import { z } from 'zod';
import { pick } from './fields.ts';
import { httpUrl, parseEnv } from './parse-env.ts';
import { PRICE_VARIABLES } from './prices.ts';

const names = [
  'DATABASE_URL',
  'DATABASE_HTTP_URL',
  'UPSTASH_REDIS_REST_URL',
  'UPSTASH_REDIS_REST_TOKEN',
  'QSTASH_URL',
  'QSTASH_TOKEN',
  'QSTASH_CURRENT_SIGNING_KEY',
  'QSTASH_NEXT_SIGNING_KEY',
  'PUBLIC_URL',
  'SOCKET_HOST_URL',
  'API_KEY',
  'LOG_LEVEL',
] as const;

const extra = {
  AI_BASE_URL: httpUrl.optional(),
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().optional(),
  /** Transcribes voice notes and audio through AI_BASE_URL's /audio/transcriptions (e.g. whisper-1, whisper-large-v3). */
  AI_TRANSCRIPTION_MODEL: z.string().optional(),
  /** Gives the knowledge base's passages vectors through AI_BASE_URL's /embeddings (e.g. text-embedding-3-small), so search also ranks by meaning. */
  AI_EMBEDDING_MODEL: z.string().optional(),
  /**
   * The most a reply's request may carry (instructions, passages and turns), in tokens estimated at
   * 4 characters each; older turns beyond it are summarised once and the summary sent instead.
   */
  AI_MAX_INPUT_TOKENS: z.coerce.number().int().min(500, 'must be a whole number of tokens, at least 500').default(6000),
  /** The chat model sees photos (as image parts) instead of a note that it cannot. */
  AI_VISION: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** Agent replies per customer per hour (model budget protection); over it the agent stays silent. */
  CONTACT_REPLIES_PER_HOUR: z.coerce.number().int().min(1, 'must be a whole number of at least 1').default(30),
  /** The API's limits and webhook retries; each is validated by its reader (docs/api.md). */
  API_RATE_LIMIT_PER_KEY: z.string().optional(),
  API_RATE_LIMIT_PER_CONTACT: z.string().optional(),
  WEBHOOK_RETRIES: z.string().optional(),
  WEBHOOK_RETRY_DELAY: z.string().optional(),
  WEBHOOK_PAUSE_AFTER_FAILURES: z.string().optional(),
  /** The largest media file (decrypted bytes) the functions fetch and keep; larger ones are shown as unavailable. */
  MEDIA_MAX_BYTES: z.coerce.number().int().min(1, 'must be a whole number of bytes').default(16 * 1024 * 1024),
  /** A folder for decrypted media (a disk the functions keep); local default `.data/media`. */
  MEDIA_DIR: z.string().optional(),
  /**
   * An S3-compatible bucket for media (R2's S3 endpoint, AWS S3, MinIO, Backblaze B2…), for Vercel and
   * Node deployments without an R2 binding: all four of endpoint, bucket and keys, or none (below).
   */
  MEDIA_S3_ENDPOINT: httpUrl.optional(),
  MEDIA_S3_BUCKET: z.string().optional(),
  MEDIA_S3_ACCESS_KEY_ID: z.string().optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** `auto` is what R2 expects; AWS S3 and others want the bucket's region. */
  MEDIA_S3_REGION: z.string().default('auto'),
  /** Local mode only: the stand-in of WhatsApp's media servers the playground uploads to. */
  MEDIA_CDN_URL: httpUrl.optional(),
  /**
   * Messages (with their media files), webhook delivery logs and sent-message records older than this
   * many days are deleted once a day (functions/retention); unset: nothing is ever deleted.
   */
  RETENTION_DAYS: z
    .string()
    .regex(/^\d+$/, 'must be a whole number of days, at least 1')
    .transform(Number)
    .refine((days) => days >= 1, 'must be a whole number of days, at least 1')
    .optional(),
  /** A Slack-compatible incoming webhook (POST {"text"}) told of alert conditions (functions/alerts); unset: no alerts. */
  ALERT_WEBHOOK_URL: httpUrl.optional(),
  /** Failed hooks and unexpected errors go to this Sentry project (functions/sentry); unset: no SDK is even loaded. */
  SENTRY_DSN: httpUrl.optional(),
  /** What /v1/usage prices the counted usage at (shared/config/prices.ts). */
  ...PRICE_VARIABLES,
  /** Comma-separated origins allowed to call /v1 from a browser; none by default. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
};

const MEDIA_S3 = ['MEDIA_S3_ENDPOINT', 'MEDIA_S3_BUCKET', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY'] as const;

/**
 * The S3 variables go together: one of them set means the others were meant to be, and media would
 * otherwise be silently kept nowhere (or in a local folder). In the cloud the endpoint is https, as
 * the bytes and the request metadata cross the internet.
 */
function mediaS3Complete(env: Partial<Record<(typeof MEDIA_S3)[number] | 'MODE', string>>, ctx: z.RefinementCtx) {
  const set = MEDIA_S3.filter((name) => env[name] !== undefined);
  if (set.length === 0) return;
  for (const name of MEDIA_S3) {
    if (env[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set (the MEDIA_S3_* variables go together)` });
  }
  if (env.MODE === 'cloud' && env.MEDIA_S3_ENDPOINT?.startsWith('http://')) {
    ctx.addIssue({ code: 'custom', path: ['MEDIA_S3_ENDPOINT'], message: 'must be an https URL in the cloud' });
  }
}

// Checked even when other variables are wrong, so that one message names every problem.
const always = { when: () => true };
const schemas = {
  local: pick('local', names, extra).superRefine(mediaS3Complete, always),
  cloud: pick('cloud', names, extra).superRefine(mediaS3Complete, always),
};

export type FunctionsConfig = z.output<(typeof schemas)['local']> | z.output<(typeof schemas)['cloud']>;

/** Validates the functions' environment (process.env on Node and Vercel, bindings on Workers). */
export function loadFunctionsConfig(env: Record<string, unknown>): FunctionsConfig {
  return parseEnv(schemas, env);
}
