import { createMiddleware } from 'hono/factory';
import type { HonoEnv } from '../hono-env.ts';
import { inBackground } from '../v1/background.ts';

/**
 * Counts every request the functions serve (Workers and Vercel bill each) and every QStash delivery
 * (QStash bills each attempt, retries included; they all arrive on /hooks/*). After the answer, and
 * only now and then (see UsageMeter.due), the counts are written in the background.
 */
export const countRequests = createMiddleware<HonoEnv>(async (c, next) => {
  const s = c.get('services');
  s.usage.add('functions.requests');
  if (c.req.path.startsWith('/hooks/')) s.usage.add('queue.messages');
  await next();
  if (s.usage.due()) inBackground(c, 'writing the usage counts', s.usage.flush(s.db));
});
