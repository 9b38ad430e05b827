import type { Context, Env } from 'hono';
import type { HonoEnv } from '../hono-env.ts';

/**
 * Work that must not delay the answer (last-used stamps, rate-limit bookkeeping, an outbound send).
 * On Workers it is handed to `waitUntil` so the isolate lives until it is done; elsewhere it simply runs
 * on. Either way a failure is logged, never thrown at a client who already has the answer.
 */
export function inBackground<E extends Env>(context: Context<E>, what: string, work: Promise<unknown>): void {
  const c = context as unknown as Context<HonoEnv>;
  const logged = work.catch((err: unknown) => {
    c.get('log').error({ err: err instanceof Error ? err.message : String(err), requestId: c.get('requestId') }, `${what} failed`);
  });
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx; // throws when the runtime gave none (Node, tests)
  } catch {
    ctx = undefined;
  }
  ctx?.waitUntil(logged);
}
