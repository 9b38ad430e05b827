import type { Context } from 'hono';
import type { HonoEnv } from '../hono-env.ts';
import { runRetention } from './run.ts';

/** Mounted under /hooks (QStash-signed): the daily QStash schedule calls it (docs/runbooks.md, "Data retention"). */
export const RETENTION_HOOK_PATH = '/hooks/retention';

/**
 * POST /hooks/retention: one purge run, answered with what it deleted. A failure answers 5xx through
 * the app's error handler, so QStash retries it; a run that stopped at its limits answers 200 with
 * `complete: false`, and tomorrow's run continues.
 */
export async function retentionHook(c: Context<HonoEnv>): Promise<Response> {
  return c.json(await runRetention(c.get('services')));
}
