import { Hono } from 'hono';
import { env } from 'hono/adapter';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { loadFunctionsConfig } from '../shared/config/functions-config.ts';
import { bodyLimits } from './body-limits.ts';
import { ApiError, renderError } from './errors.ts';
import { health } from './health/route.ts';
import { hooks } from './hooks/route.ts';
import { verifyQStash } from './hooks/verify-qstash.ts';
import { playground } from './playground/route.ts';
import type { HonoEnv } from './hono-env.ts';
import { createServices, type Services } from './services.ts';
import { countRequests } from './usage/count-requests.ts';
import { allowedMethods } from './v1/method-not-allowed.ts';
import { newV1App } from './v1/app.ts';
import { DELIVERY_HOOK_PATH } from './webhooks/emit.ts';
import { webhookDeliveryHook } from './webhooks/delivery-hook.ts';

export type AppOptions = {
  /** Given by the local stack and the tests; on Workers and Vercel they are built from the environment. */
  services?: Services;
};

/** The one functions app: the same object runs on Workers, Vercel and @hono/node-server. */
export function newApp(options: AppOptions = {}) {
  const app = new Hono<HonoEnv>();
  let built: Services | undefined = options.services;

  app.use(requestId());
  app.use(async (c, next) => {
    // Built on the first request: Workers only expose their bindings inside a request.
    if (!built) {
      const bindings = env(c) as Record<string, unknown>;
      built = createServices(loadFunctionsConfig(bindings), undefined, { MEDIA_BUCKET: bindings.MEDIA_BUCKET });
    }
    c.set('services', built);
    c.set('log', built.log);
    await next();
  });
  app.use(countRequests);
  app.use(secureHeaders());
  app.use(bodyLimits());

  // The team's console (static files: Workers assets in the cloud, local/console-files.ts on Node).
  app.get('/', (c) => c.redirect('/console', 302));
  app.route('/api/health', health);
  // Before the /hooks sub-app, whose own signature check would otherwise run a second time.
  app.post(DELIVERY_HOOK_PATH, verifyQStash, webhookDeliveryHook);
  app.route('/hooks', hooks);
  app.route('/playground', playground);
  app.route('/', newV1App() as unknown as Hono<HonoEnv>);

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length > 0) {
      return renderError(
        new ApiError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}; use ${allow.join(', ')}.`, { Allow: allow.join(', ') }),
        c,
      );
    }
    return renderError(new ApiError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`), c);
  });
  app.onError((err, c) => renderError(err, c));
  return app;
}
