import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { renderError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { answerUnrouted } from './method-not-allowed.ts';

/** What the functions app set on a request before handing it to /v1, by the request itself. */
const carried = new WeakMap<Request, HonoEnv['Variables']>();

/**
 * The public API, built on the first /v1 request instead of when the functions start: its routes'
 * schemas are most of the Worker's start-up CPU (`wrangler check startup`: about 125 instead of
 * 205 ms), and the hooks, which are most requests, never need them. The request reaches the /v1 app
 * with the variables the functions app set (services, log, request id), its bindings and its
 * execution context, and is answered there exactly as a route of the functions app would be.
 */
export function lazyV1(): MiddlewareHandler<HonoEnv> {
  let built: Promise<Hono<HonoEnv>> | undefined;
  return async (c) => {
    built ??= import('./app.ts').then(({ newV1App }) => {
      const v1 = new Hono<HonoEnv>();
      v1.use(async (inner, next) => {
        const vars = carried.get(inner.req.raw);
        if (vars) for (const [name, value] of Object.entries(vars)) inner.set(name as keyof HonoEnv['Variables'], value as never);
        await next();
      });
      v1.route('/', newV1App() as unknown as Hono<HonoEnv>);
      v1.notFound(answerUnrouted(() => v1.routes));
      v1.onError((err, inner) => renderError(err, inner));
      return v1;
    });
    const v1 = await built;
    const request = c.req.raw;
    carried.set(request, { services: c.get('services'), log: c.get('log'), requestId: c.get('requestId') });
    return v1.fetch(request, c.env, executionContextOf(c));
  };
}

/** Hono's executionCtx throws where the runtime gave none (Node, Vercel, tests). */
function executionContextOf(c: Context<HonoEnv>) {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}
