import type { Context, Env } from 'hono';
import type { HonoEnv } from '../hono-env.ts';

type WaitUntil = { waitUntil(p: Promise<unknown>): void };

/**
 * Vercel's request context, where its runtime puts `waitUntil` for fetch-style handlers; this is
 * what the `@vercel/functions` package reads, without adding the package.
 */
function vercelContext(): WaitUntil | undefined {
  const store = (globalThis as Record<symbol, { get?: () => Partial<WaitUntil> | undefined } | undefined>)[
    Symbol.for('@vercel/request-context')
  ];
  const ctx = store?.get?.();
  return typeof ctx?.waitUntil === 'function' ? (ctx as WaitUntil) : undefined;
}

/**
 * Work that must not delay the answer (last-used stamps, rate-limit bookkeeping, an outbound send).
 * On Workers and Vercel it is handed to `waitUntil` so the instance lives until it is done; on a plain
 * Node server it simply runs on. Either way a failure is logged, never thrown at a client who already
 * has the answer.
 */
export function inBackground<E extends Env>(context: Context<E>, what: string, work: Promise<unknown>): void {
  const c = context as unknown as Context<HonoEnv>;
  const logged = work.catch((err: unknown) => {
    c.get('log').error({ err: err instanceof Error ? err.message : String(err), requestId: c.get('requestId') }, `${what} failed`);
  });
  let ctx: WaitUntil | undefined;
  try {
    ctx = c.executionCtx; // throws when the runtime gave none (Node, Vercel, tests)
  } catch {
    ctx = vercelContext();
  }
  ctx?.waitUntil(logged);
}
