import { z } from 'zod';
import { LOCAL_DEFAULTS } from './local-defaults.ts';
import { httpUrl, postgresUrl } from './parse-env.ts';
import { QSTASH_DEV_CREDENTIALS } from './qstash-dev-credentials.ts';

const devKeys: string[] = [QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY];
const notDevKey = z
  .string()
  .refine((v) => !devKeys.includes(v), "is QStash's public dev key; use the keys from the Upstash console");

/**
 * Each variable of CONTRACT.md once, in its two forms: `local` falls back to the embedded defaults,
 * `cloud` requires a real value. Each side's config picks the variables it needs.
 */
export const fields = {
  DATABASE_URL: { local: postgresUrl.default(LOCAL_DEFAULTS.DATABASE_URL), cloud: postgresUrl },
  DATABASE_HTTP_URL: { local: httpUrl.optional(), cloud: httpUrl.optional() },
  UPSTASH_REDIS_REST_URL: { local: httpUrl.default(LOCAL_DEFAULTS.UPSTASH_REDIS_REST_URL), cloud: httpUrl },
  UPSTASH_REDIS_REST_TOKEN: { local: z.string().default(LOCAL_DEFAULTS.UPSTASH_REDIS_REST_TOKEN), cloud: z.string() },
  QSTASH_URL: { local: httpUrl.default(LOCAL_DEFAULTS.QSTASH_URL), cloud: httpUrl.default('https://qstash.upstash.io') },
  QSTASH_TOKEN: { local: z.string().default(LOCAL_DEFAULTS.QSTASH_TOKEN), cloud: z.string() },
  QSTASH_CURRENT_SIGNING_KEY: { local: z.string().default(LOCAL_DEFAULTS.QSTASH_CURRENT_SIGNING_KEY), cloud: notDevKey },
  QSTASH_NEXT_SIGNING_KEY: { local: z.string().default(LOCAL_DEFAULTS.QSTASH_NEXT_SIGNING_KEY), cloud: notDevKey },
  PUBLIC_URL: { local: httpUrl.default(LOCAL_DEFAULTS.PUBLIC_URL), cloud: httpUrl },
  SOCKET_HOST_URL: { local: httpUrl.default(LOCAL_DEFAULTS.SOCKET_HOST_URL), cloud: httpUrl },
  API_KEY: {
    local: z.string().min(24, 'must be at least 24 characters').optional(),
    cloud: z.string().min(24, 'must be at least 24 characters'),
  },
  LOG_LEVEL: {
    local: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    cloud: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  },
} as const;

type Fields = typeof fields;
type Mode = 'local' | 'cloud';

/** A zod object of the named variables in one mode, plus side-specific extras. */
export function pick<K extends keyof Fields, M extends Mode, E extends z.ZodRawShape>(
  m: M,
  names: readonly K[],
  extra: E,
) {
  const shape = Object.fromEntries(names.map((n) => [n, fields[n][m]])) as { [P in K]: Fields[P][M] };
  return z.object({ ...shape, ...extra, MODE: z.literal(m) });
}
