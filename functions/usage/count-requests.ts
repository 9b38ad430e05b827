import { createMiddleware } from 'hono/factory';
import type { HonoEnv } from '../hono-env.ts';
import { inBackground } from '../v1/background.ts';

/** The header the console sends on every request it makes, so its polling shows apart in /v1/usage. */
export const CLIENT_HEADER = 'x-client';
export const CONSOLE_CLIENT = 'console';

/**
 * Counts every request the functions serve (Workers and Vercel bill each) and every QStash delivery
 * (QStash bills each attempt, retries included; they all arrive on /hooks/*). The console's requests
 * (`X-Client: console`) are counted once more as `console.requests`: they are among the function
 * requests, and the team can see what an open console costs. After the answer, and only now and then
 * (see UsageMeter.due), the counts are written in the background.
 */
export const countRequests = createMiddleware<HonoEnv>(async (c, next) => {
  const s = c.get('services');
  s.usage.add('functions.requests');
  if (c.req.path.startsWith('/hooks/')) s.usage.add('queue.messages');
  else if (c.req.header(CLIENT_HEADER) === CONSOLE_CLIENT) s.usage.add('console.requests');
  await next();
  if (s.usage.due()) inBackground(c, 'writing the usage counts', s.usage.flush(s.db));
});
