import { sql } from 'drizzle-orm';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';
import type { Services } from '../services.ts';

/** One condition as the alerts table has it (times as ISO strings: the mirror is JSON). */
export type AlertRecord = { key: string; detail: string; openedAt: string; notifiedAt: string | null; resolvedAt: string | null };

/** The alerts table's open and recently resolved rows, as of `at` (the database's clock, ms). */
export type AlertMirror = { at: number; alerts: AlertRecord[] };

/** Resolved conditions stay in the mirror (GET /v1/alerts, the console) this long. */
export const RECENTLY_RESOLVED_MS = 24 * 60 * 60_000;

/**
 * A mirror this old is rebuilt by the next evaluation, with the checks that read the database: the one
 * safety net for an event whose alert check failed (a paused subscriber, the model) and for resolved
 * rows growing old. Once a day wakes Neon's compute for about 5 minutes: 2.5 hours a month.
 */
export const RECONCILE_AFTER_MS = 24 * 60 * 60_000;

/**
 * The Redis key of one deployment's mirror. One Redis may serve several deployments (staging and
 * production on one free Upstash database; the tests' stacks on one local Redis), each with its own
 * database: the key names the database it mirrors (host and name, never the password).
 */
export function mirrorKey(config: Pick<FunctionsConfig, 'DATABASE_URL'>): string {
  const url = new URL(config.DATABASE_URL);
  return `ia:alerts:${url.host}${url.pathname}`;
}

/** The mirror, or null when there is none yet (a new deployment, or Redis lost it): one HGET. */
export async function readMirror(s: Services): Promise<AlertMirror | null> {
  return await s.redis.hget<AlertMirror>(mirrorKey(s.config), 'state');
}

/**
 * Stores a snapshot only if no newer one is there: two isolates changing alerts at once may finish in
 * either order, and the snapshot read last (by the database's clock, in microseconds) must win.
 */
const WRITE_IF_NEWER = `
local stored = tonumber(redis.call('HGET', KEYS[1], 'at'))
if stored and stored > tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'state', ARGV[2])
return 1`;

/**
 * Reads the alerts table (one query: open rows and those resolved in the last day) and writes it to
 * Redis, after every change of an alert and when the mirror is missing or old. The periodic
 * evaluation and GET /v1/alerts then read Redis instead of waking the database.
 */
export async function publishMirror(s: Services): Promise<AlertMirror> {
  const { rows } = await s.db.execute<{ at: string; alerts: AlertRecord[] }>(sql`
    select (extract(epoch from now()) * 1000000)::bigint::text as at,
           coalesce(json_agg(json_build_object('key', key, 'detail', detail, 'openedAt', opened_at,
             'notifiedAt', notified_at, 'resolvedAt', resolved_at) order by opened_at), '[]'::json) as alerts
      from alerts
     where resolved_at is null or resolved_at > now() - make_interval(secs => ${RECENTLY_RESOLVED_MS / 1000})`);
  const row = rows[0]!;
  const iso = (t: string | null) => (t === null ? null : new Date(t).toISOString());
  const mirror: AlertMirror = {
    at: Math.floor(Number(row.at) / 1000),
    alerts: row.alerts.map((a) => ({ ...a, openedAt: iso(a.openedAt)!, notifiedAt: iso(a.notifiedAt), resolvedAt: iso(a.resolvedAt) })),
  };
  await s.redis.eval(WRITE_IF_NEWER, [mirrorKey(s.config)], [row.at, JSON.stringify(mirror)]);
  return mirror;
}

/** The mirror, rebuilt from the database when there is none. */
export async function currentMirror(s: Services): Promise<AlertMirror> {
  return (await readMirror(s)) ?? (await publishMirror(s));
}

export const openIn = (mirror: AlertMirror) => mirror.alerts.filter((a) => a.resolvedAt === null);
