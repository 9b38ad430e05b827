import { z } from 'zod';
import { fields, pick } from './fields.ts';
import { httpUrl, parseEnv, port } from './parse-env.ts';

const names = [
  'DATABASE_URL',
  'DATABASE_HTTP_URL',
  'QSTASH_URL',
  'QSTASH_TOKEN',
  'QSTASH_CURRENT_SIGNING_KEY',
  'QSTASH_NEXT_SIGNING_KEY',
  'PUBLIC_URL',
  'LOG_LEVEL',
] as const;

/** How long a host's claim on a number lasts without renewal; renewed every third of it. */
export const DEFAULT_LEASE_SECONDS = 30;

const extra = {
  /**
   * Short: another host takes over a crashed one's number quickly. Long (e.g. 1200): the renewals stop
   * keeping a Neon compute awake between conversations (it sleeps after 5 idle minutes).
   */
  WA_LEASE_SECONDS: z.coerce.number().int().min(10, 'must be at least 10').max(86_400, 'must be at most 86400').default(DEFAULT_LEASE_SECONDS),
  /** Railway and most hosts set PORT; locally SOCKET_HOST_PORT keeps it apart from the functions' PORT. */
  SOCKET_HOST_PORT: port.optional(),
  PORT: port.optional(),
  /** 'failed' forwards only failed deliveries; 'all' also sent/delivered/read (one queue message each). */
  WA_STATUS_EVENTS: z.enum(['failed', 'all']).default('failed'),
  /**
   * Group messages cost a queue message each and are used only when the agent answers in groups
   * (`replyToGroups`): forwarded only when the team says so here.
   */
  WA_FORWARD_GROUPS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** Unhandled errors and failed sends/outbox go to this Sentry project (socket-host/sentry.ts); unset: nothing. */
  SENTRY_DSN: httpUrl.optional(),
  /**
   * How many numbers one replica holds at most; the others wait for a replica with room (a pool of
   * replicas, docs/architecture.md). Unset: no cap, so one host alone holds every number.
   */
  WA_MAX_SESSIONS_PER_HOST: z.coerce.number().int().min(1, 'must be at least 1').optional(),
  /**
   * Where the functions reach this replica: recorded on each number it holds so that replies go to it.
   * Unset: the functions use SOCKET_HOST_URL (one host, or every replica behind one address).
   */
  SOCKET_HOST_PUBLIC_URL: httpUrl.optional(),
  /** The linked numbers this host holds, comma-separated session ids. */
  WA_SESSIONS: z
    .string()
    .regex(/^[a-z0-9_-]+(,[a-z0-9_-]+)*$/i, 'must be comma-separated session ids (letters, digits, - and _)')
    .default('default')
    .transform((v) => v.split(',')),
};

const schemas = { local: pick('local', names, extra), cloud: pick('cloud', names, extra) };

/** Locally these default to the stand-ins `npm run dev` serves, which a socket-host started alone lacks. */
export const NEEDED_WHEN_ALONE = ['DATABASE_URL', 'QSTASH_URL', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY', 'PUBLIC_URL'] as const;
const aloneSchemas = {
  local: schemas.local.extend(Object.fromEntries(NEEDED_WHEN_ALONE.map((n) => [n, fields[n].local.unwrap()]))),
  cloud: schemas.cloud,
};

export type SocketHostConfig = (z.output<(typeof schemas)['local']> | z.output<(typeof schemas)['cloud']>) & {
  listenPort: number;
};

/**
 * Validates the socket-host's environment at start. `alone`: no local stack around it (`npm run
 * socket-host`), so the local defaults would point at nothing and are required instead.
 */
export function loadSocketHostConfig(env: Record<string, unknown>, options: { alone?: boolean } = {}): SocketHostConfig {
  // Same output either way: the alone schema only drops the defaults of NEEDED_WHEN_ALONE.
  const config = parseEnv(options.alone ? (aloneSchemas as unknown as typeof schemas) : schemas, env);
  // In the cloud the host's PORT wins; locally PORT belongs to the functions.
  const listenPort = (config.MODE === 'cloud' ? config.PORT : undefined) ?? config.SOCKET_HOST_PORT ?? 8788;
  return { ...config, listenPort };
}
