import type { Services } from '../services.ts';
import { evaluateAlerts } from './evaluate.ts';

export const ALERTS_INTERVAL_MS = 2 * 60_000;

/**
 * `npm run dev` evaluates the alerts by itself every 2 minutes (the cloud's cron), only with
 * ALERT_WEBHOOK_URL set. The timer is unref'd: it never keeps the process alive.
 */
export function startAlertsTimer(s: Services, intervalMs = ALERTS_INTERVAL_MS): { stop(): void } | undefined {
  if (!s.config.ALERT_WEBHOOK_URL) return undefined;
  const tick = () => {
    evaluateAlerts(s).catch((err: unknown) => s.log.error({ err }, 'alert evaluation failed'));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
