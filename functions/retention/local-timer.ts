import type { Services } from '../services.ts';
import type { PurgeLimits } from './purge.ts';
import { runRetention } from './run.ts';

export const RETENTION_INTERVAL_MS = 24 * 60 * 60_000;

/** On this machine no platform counts subrequests or cuts a run short: a run finishes the job. */
const LOCAL_LIMITS: Partial<PurgeLimits> = { maxStatements: Infinity, maxFileDeletes: Infinity, timeBudgetMs: 10 * 60_000 };

/**
 * `npm run dev` is a long-lived process already, so it purges by itself: at start, then every 24 h,
 * only with RETENTION_DAYS set. The timer is unref'd: it never keeps the process alive.
 */
export function startRetentionTimer(s: Services): { stop(): void } | undefined {
  if (s.config.RETENTION_DAYS === undefined) return undefined;
  const tick = () => {
    runRetention(s, { limits: LOCAL_LIMITS }).catch((err: unknown) => s.log.error({ err }, 'retention purge failed'));
  };
  tick();
  const timer = setInterval(tick, RETENTION_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
