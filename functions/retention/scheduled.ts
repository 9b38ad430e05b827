import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { createServices } from '../services.ts';
import { evaluateAlerts, type Evaluation } from '../alerts/evaluate.ts';
import { runRetention, type RetentionOutcome } from './run.ts';

/** The part of Workers' ExecutionContext a scheduled handler uses. */
type WaitUntil = { waitUntil(promise: Promise<unknown>): void };

/**
 * Workers' `scheduled` handler, for the cron in wrangler.toml `[triggers]`: one retention run with
 * the Worker's bindings (R2 as MEDIA_BUCKET). `waitUntil` keeps the invocation alive until it ends; a
 * failure is logged and also fails the invocation, so Cloudflare's cron events show it.
 */
export function scheduledRetention(_controller: unknown, env: Record<string, unknown>, ctx: WaitUntil): Promise<RetentionOutcome> {
  const services = createServices(loadFunctionsConfig(env), undefined, { MEDIA_BUCKET: env.MEDIA_BUCKET });
  const run = runRetention(services).catch((err: unknown) => {
    services.log.error({ err }, 'retention purge failed');
    throw err;
  });
  ctx.waitUntil(run);
  return run;
}

/** wrangler.toml's 2-minute cron: the alert conditions without an event (functions/alerts). */
export const ALERTS_CRON = '*/2 * * * *';

/** Workers' `scheduled` handler for every cron in wrangler.toml `[triggers]`, told apart by `cron`. */
export function scheduled(controller: { cron?: string; scheduledTime?: number }, env: Record<string, unknown>, ctx: WaitUntil): Promise<RetentionOutcome | Evaluation> {
  if (controller.cron !== ALERTS_CRON) return scheduledRetention(controller, env, ctx);
  const services = createServices(loadFunctionsConfig(env));
  const run = evaluateAlerts(services).catch((err: unknown) => {
    services.log.error({ err }, 'alert evaluation failed');
    throw err;
  });
  ctx.waitUntil(run);
  return run;
}
