import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';

/** Model replies per customer: protects the team's model budget from one chatty (or hostile) contact. */
export const CONTACT_REPLY_LIMIT = { tokens: 30, window: '1 h' } as const;

const limiters = new WeakMap<Redis, Ratelimit>();

/** Module-scoped per Redis client so the ephemeral cache can answer blocked contacts without Redis. */
export function contactLimiter(redis: Redis): Ratelimit {
  let limiter = limiters.get(redis);
  if (!limiter) {
    limiter = new Ratelimit({
      redis,
      prefix: 'ia:contact-replies',
      limiter: Ratelimit.slidingWindow(CONTACT_REPLY_LIMIT.tokens, CONTACT_REPLY_LIMIT.window),
    });
    limiters.set(redis, limiter);
  }
  return limiter;
}
