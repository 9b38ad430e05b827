import type { Services } from '../services.ts';
import { purgeOldData, type PurgeLimits, type PurgeResult } from './purge.ts';

export type RetentionOutcome = { outcome: 'disabled' } | ({ outcome: 'purged' } & PurgeResult);

/**
 * One retention run, whoever started it (the Workers cron, the QStash schedule's hook, the local
 * timer). Without RETENTION_DAYS nothing is ever deleted.
 */
export async function runRetention(s: Services, options: { now?: number; limits?: Partial<PurgeLimits> } = {}): Promise<RetentionOutcome> {
  const days = s.config.RETENTION_DAYS;
  if (days === undefined) return { outcome: 'disabled' };
  return { outcome: 'purged', ...(await purgeOldData(s, days, options)) };
}
