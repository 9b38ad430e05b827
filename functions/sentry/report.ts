/**
 * Where the functions report to Sentry (SENTRY_DSN): unexpected errors (errors.ts's 500 path) and
 * failed hooks (a /hooks/* handler throwing or answering 5xx). Tagged with the request id, the
 * component and the route; the event itself is scrubbed (shared/sentry-scrub.ts).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { redactText } from '../../shared/sentry-scrub.ts';
import type { HonoEnv } from '../hono-env.ts';

export type ReportKind = 'failed_hook' | 'unexpected_error';

/** Outcomes a hook answers 503 on purpose so the queue comes back later: the protocol, not a failure. */
const PLANNED_RETRIES = new Set(['busy', 'target_pending']);

/** Sends `error` (or a sentence when there is no error object) if SENTRY_DSN is set; else nothing at all. */
export function reportToSentry(c: Context<HonoEnv>, kind: ReportKind, report: { error?: unknown; message?: string }): void {
  const dsn = c.get('services')?.config.SENTRY_DSN;
  if (!dsn) return;
  const route = routeOf(c);
  const tags = {
    component: 'functions',
    kind,
    route,
    method: c.req.method,
    requestId: c.get('requestId') ?? 'unknown',
    ...(route.startsWith('/hooks/') ? { hook: route.slice('/hooks/'.length) } : {}),
  };
  const sending = import('./client.ts')
    .then(({ sentryReporter }) => sentryReporter(dsn))
    .then(async (reporter) => {
      if (!reporter) return;
      reporter.capture({ ...report, tags });
      await reporter.flush(2000);
    })
    .catch((err: unknown) => c.get('log')?.warn({ err: String(err) }, 'sentry report not sent'));
  keepAlive(c, sending);
}

/** Hooks that answered 5xx without throwing (a thrown error reaches renderError, which reports it). */
export const reportFailedHooks: MiddlewareHandler<HonoEnv> = async (c, next) => {
  await next();
  if (c.error || c.res.status < 500 || !c.get('services')?.config.SENTRY_DSN) return;
  const outcome = await c.res
    .clone()
    .json()
    .then((body: { outcome?: unknown }) => body?.outcome, () => undefined);
  if (typeof outcome === 'string' && PLANNED_RETRIES.has(outcome)) return;
  reportToSentry(c, 'failed_hook', {
    message: `${routeOf(c)} answered ${c.res.status}${typeof outcome === 'string' ? ` (${redactText(outcome)})` : ''}`,
  });
};

/** The matched route pattern (`/hooks/media/:id`), not the path: ids stay out of the tags. */
function routeOf(c: Context<HonoEnv>): string {
  const pattern = c.req.routePath;
  return redactText(pattern && pattern !== '/*' && pattern !== '*' ? pattern : c.req.path);
}

/**
 * Workers end the invocation with the response unless told to wait; Vercel freezes the function
 * likewise and offers the same through its request context (what `@vercel/functions`' waitUntil reads).
 * Elsewhere (Node) the process simply runs on.
 */
function keepAlive(c: Context<HonoEnv>, work: Promise<unknown>): void {
  try {
    c.executionCtx.waitUntil(work);
    return;
  } catch {
    // Not on Workers: Hono's executionCtx throws when the runtime gave none.
  }
  const vercel = (globalThis as Record<symbol, { get?: () => { waitUntil?: (p: Promise<unknown>) => void } | undefined } | undefined>)[
    Symbol.for('@vercel/request-context')
  ];
  vercel?.get?.()?.waitUntil?.(work);
}
