/** GET /v2/flowControl/{key}: a key's limits and counters. Pausing and pinning are not implemented (404). */
import { Hono } from 'hono';
import { jsonError, type StandInContext } from './context.ts';

export function flowControlRoutes(ctx: StandInContext): Hono {
  const app = new Hono();
  app.get('/v2/flowControl/:key', (c) => {
    const info = ctx.scheduler.flowControlInfo(c.req.param('key'));
    return info ? c.json(info) : jsonError(c, 404, 'flow control key not found');
  });
  return app;
}
