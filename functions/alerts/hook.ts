import type { Context } from 'hono';
import type { HonoEnv } from '../hono-env.ts';
import { evaluateAlerts } from './evaluate.ts';

/** Mounted under /hooks (QStash-signed): a QStash schedule every 2 minutes calls it (docs/runbooks.md, "Alerts"). */
export const ALERTS_HOOK_PATH = '/hooks/alerts';

/** POST /hooks/alerts: one evaluation of every alert condition, answered with its outcome. */
export async function alertsHook(c: Context<HonoEnv>): Promise<Response> {
  return c.json(await evaluateAlerts(c.get('services')));
}
