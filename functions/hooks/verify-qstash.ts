import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';

/**
 * Every /hooks request must carry QStash's signature over the raw body, for the URL QStash was told
 * to call. The raw text is kept for the handler: re-serialised JSON would not match the signature.
 */
export const verifyQStash = createMiddleware<HonoEnv & { Variables: { rawBody: string } }>(async (c, next) => {
  const signature = c.req.header('upstash-signature');
  if (!signature) throw new ApiError('UNAUTHORIZED', 'Missing Upstash-Signature header.');
  const body = await c.req.text();
  const { config, receiver } = c.get('services');
  const url = new URL(c.req.path, config.PUBLIC_URL).toString();
  const valid = await receiver.verify({ signature, body, url }).catch(() => false);
  if (!valid) throw new ApiError('UNAUTHORIZED', 'The Upstash-Signature is not valid for this request.');
  c.set('rawBody', body);
  await next();
});
