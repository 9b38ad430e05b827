/** The HTTP surface of the stand-in: bearer auth in front of QStash's /v2 routes. */
import { Hono } from 'hono';
import { jsonError, type StandInContext } from './context.ts';
import { dlqRoutes } from './dlq-routes.ts';
import { flowControlRoutes } from './flow-control-routes.ts';
import { messageRoutes } from './message-routes.ts';
import { publishRoutes } from './publish-routes.ts';
import { queueRoutes } from './queue-routes.ts';

export function createApp(ctx: StandInContext, token: string, log: (line: string) => void): Hono {
  const app = new Hono();

  app.use('/v2/*', async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    if (header !== `Bearer ${token}`) {
      return jsonError(c, 401, header === '' ? 'missing Authorization header' : 'invalid token');
    }
    await next();
  });

  app.get('/v2/keys', (c) => c.json({ current: ctx.signingKeys.current, next: ctx.signingKeys.next }));
  app.route('/', publishRoutes(ctx));
  app.route('/', queueRoutes(ctx));
  app.route('/', dlqRoutes(ctx));
  app.route('/', messageRoutes(ctx));
  app.route('/', flowControlRoutes(ctx));

  app.notFound((c) => jsonError(c, 404, `${c.req.method} ${c.req.path} is not implemented by the local QStash stand-in`));
  app.onError((error, c) => {
    log(`qstash: ${c.req.method} ${c.req.path} failed: ${error.stack ?? String(error)}`);
    return jsonError(c, 500, error.message);
  });

  return app;
}
