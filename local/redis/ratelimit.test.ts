import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Ratelimit } from '@upstash/ratelimit';
import { uniquePrefix } from '../../test-support/redis.ts';
import { BACKENDS, serveMountedStandIn, type MountedStandIn } from './serve-mounted-stand-in.ts';

// The real @upstash/ratelimit, whose Lua scripts start with an Upstash-only shebang and which
// asks EVALSHA first, falling back to EVAL on NOSCRIPT.
const LIMITERS = [
  { name: 'fixed window', limiter: () => Ratelimit.fixedWindow(3, '10 s') },
  { name: 'sliding window', limiter: () => Ratelimit.slidingWindow(3, '10 s') },
  { name: 'token bucket', limiter: () => Ratelimit.tokenBucket(3, '10 s', 3) },
];

/**
 * The limiters bucket time by the wall clock (floor(now / window)), so a test that crossed a
 * window boundary would see its count reset. The clock the limiters read is held still in the
 * middle of a window instead.
 */
function holdClockMidWindow(windowMs: number): number {
  const now = Math.floor(Date.now() / windowMs) * windowMs + windowMs / 2;
  vi.spyOn(Date, 'now').mockReturnValue(now);
  return now;
}

describe.each(BACKENDS)('@upstash/ratelimit through the stand-in on the $name', ({ redisUrl }) => {
  let served: MountedStandIn;
  const prefix = uniquePrefix('ratelimit');
  beforeAll(async () => {
    served = await serveMountedStandIn(redisUrl);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    const redis = served.client();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await served.close();
  });

  const ratelimit = (limiter: ReturnType<typeof Ratelimit.fixedWindow>, name: string) =>
    new Ratelimit({ redis: served.client(), limiter, prefix: `${prefix}${name}`, ephemeralCache: false, analytics: false });

  it.each(LIMITERS)('$name: allows 3 in the window, then denies', async ({ name, limiter }) => {
    const limit = ratelimit(limiter(), name);
    const now = holdClockMidWindow(10_000);
    for (const remaining of [2, 1, 0]) {
      const result = await limit.limit('user-1');
      await result.pending;
      expect(result).toMatchObject({ success: true, limit: 3, remaining });
    }
    const denied = await limit.limit('user-1');
    expect(denied).toMatchObject({ success: false, limit: 3, remaining: 0 });
    expect(denied.reason).toBeUndefined(); // not a timeout or a deny list: the script said no
    expect(denied.reset).toBeGreaterThan(now);
    expect(denied.reset).toBeLessThanOrEqual(now + 10_000);

    // Another identifier has its own budget.
    expect((await limit.limit('user-2')).success).toBe(true);
    expect((await limit.getRemaining('user-2')).remaining).toBe(2);
  });

  it('resets used tokens (a SCAN + DEL script)', async () => {
    const limit = ratelimit(Ratelimit.fixedWindow(1, '10 s'), 'reset');
    holdClockMidWindow(10_000);
    expect((await limit.limit('user')).success).toBe(true);
    expect((await limit.limit('user')).success).toBe(false);
    await limit.resetUsedTokens('user');
    expect((await limit.limit('user')).success).toBe(true);
  });

  it('costs one command per limit() once the script is known, as on Upstash', async () => {
    const fresh = await serveMountedStandIn(redisUrl);
    try {
      const limit = new Ratelimit({
        redis: fresh.client({ autoPipelining: false }),
        limiter: Ratelimit.fixedWindow(5, '10 s'),
        prefix: `${prefix}cost`,
        ephemeralCache: false,
        analytics: false,
      });
      const cost = async () => {
        const before = fresh.standIn.stats.commands;
        expect((await limit.limit('user')).success).toBe(true);
        return fresh.standIn.stats.commands - before;
      };
      expect(await cost()).toBe(2); // EVALSHA misses (NOSCRIPT), then EVAL
      expect(await cost()).toBe(1); // EVALSHA of the client's hash now finds the script
      expect(await cost()).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});
