import { z } from 'zod';
import { pick } from './fields.ts';
import { httpUrl, parseEnv } from './parse-env.ts';

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
  /** Local mode only: the stand-in of WhatsApp's media servers the playground uploads to. */
  MEDIA_CDN_URL: httpUrl.optional(),
  /** Comma-separated origins allowed to call /v1 from a browser; none by default. */
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : [])),
};

const schemas = { local: pick('local', names, extra), cloud: pick('cloud', names, extra) };

export type FunctionsConfig = z.output<(typeof schemas)['local']> | z.output<(typeof schemas)['cloud']>;

/** Validates the functions' environment (process.env on Node and Vercel, bindings on Workers). */
export function loadFunctionsConfig(env: Record<string, unknown>): FunctionsConfig {
  return parseEnv(schemas, env);
}
