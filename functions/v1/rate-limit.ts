import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import type { Context, Env } from 'hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors.ts';
import type { Services } from '../services.ts';
import { inBackground } from './background.ts';
import type { V1Env } from './env.ts';
import { rateLimitConfig, type LimitSpec } from './rate-limit-config.ts';

type Kind = 'key' | 'contact';
type Outcome = { success: boolean; limit: number; remaining: number; reset: number };

/**
 * One limiter per Redis client and kind, kept for the isolate's life: its ephemeral cache then answers
 * an identifier that is already over its limit without a Redis command.
 */
const limiters = new WeakMap<Redis, Map<string, Ratelimit>>();

function limiter(redis: Redis, kind: Kind, spec: LimitSpec): Ratelimit {
  let byKind = limiters.get(redis);
  if (!byKind) limiters.set(redis, (byKind = new Map()));
  const id = `${kind}:${spec.text}`;
  let found = byKind.get(id);
  if (!found) {
    found = new Ratelimit({
      redis,
      prefix: `ia:v1:${kind}`,
      limiter: Ratelimit.slidingWindow(spec.tokens, spec.window),
      analytics: false,
    });
    byKind.set(id, found);
  }
  return found;
}

/** IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): reset in seconds from now. */
export function rateLimitHeaders(outcome: Outcome, now = Date.now()): Record<string, string> {
  const reset = Math.max(0, Math.ceil((outcome.reset - now) / 1000));
  return {
    'RateLimit-Limit': String(outcome.limit),
    'RateLimit-Remaining': String(Math.max(0, outcome.remaining)),
    'RateLimit-Reset': String(reset),
  };
}

async function take<E extends Env>(c: Context<E>, s: Services, kind: Kind, identifier: string): Promise<Outcome> {
  const config = rateLimitConfig(s.config);
  const spec = kind === 'key' ? config.perKey : config.perContact;
  const result = await limiter(s.redis, kind, spec).limit(identifier);
  inBackground(c, 'rate-limit bookkeeping', result.pending);
  return result;
}

/**
 * The refusing limit's headers, also set on the context: headers set there earlier (the per-key ones)
 * would otherwise be copied over the error answer's own.
 */
function refuse<E extends Env>(c: Context<E>, outcome: Outcome, message: string): ApiError {
  const limit = rateLimitHeaders(outcome);
  const headers = { ...limit, 'Retry-After': String(Math.max(1, Number(limit['RateLimit-Reset']))) };
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return new ApiError('RATE_LIMITED', message, headers);
}

/** Every authenticated /v1 request counts against its key; the headers go on every answer. */
export const limitPerKey = createMiddleware<V1Env>(async (c, next) => {
  const outcome = await take(c, c.get('services'), 'key', c.get('apiKey').id);
  const headers = rateLimitHeaders(outcome);
  if (!outcome.success) throw refuse(c, outcome, 'Too many requests for this API key; retry after the time in Retry-After.');
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  await next();
});

/** POST /v1/messages also counts against the recipient, over all keys together. */
export async function limitPerContact<E extends Env>(c: Context<E>, s: Services, sessionId: string, jid: string): Promise<void> {
  const outcome = await take(c, s, 'contact', `${sessionId}:${jid}`);
  if (!outcome.success) throw refuse(c, outcome, 'Too many messages to this contact; retry after the time in Retry-After.');
}
