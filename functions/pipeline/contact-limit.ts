import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';

const limiters = new WeakMap<Redis, Ratelimit>();

/**
 * Agent replies per customer per hour (CONTACT_REPLIES_PER_HOUR): protects the team's model budget from
 * one chatty (or hostile) contact. Module-scoped per Redis client so the ephemeral cache can answer
 * blocked contacts without a Redis call.
 */
export function contactLimiter(redis: Redis, perHour: number): Ratelimit {
  let limiter = limiters.get(redis);
  if (!limiter) {
    limiter = new Ratelimit({
      redis,
      prefix: 'ia:contact-replies',
      limiter: Ratelimit.slidingWindow(perHour, '1 h'),
    });
    limiters.set(redis, limiter);
  }
  return limiter;
}
