import { Ratelimit } from '@upstash/ratelimit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveMountedStandIn, type MountedStandIn } from '../../local/redis/serve-mounted-stand-in.ts';
import { TEST_REDIS_URL, uniquePrefix } from '../../test-support/redis.ts';
import { countRedisCommands } from './count-redis.ts';
import { UsageMeter, utcDay } from './meter.ts';

// The real @upstash/redis client against the Upstash REST stand-in on the real Redis; the stand-in
// counts the commands it executes, which is what Upstash bills.
let served: MountedStandIn;
const prefix = uniquePrefix('usage-redis');
beforeAll(async () => {
  served = await serveMountedStandIn(TEST_REDIS_URL);
});
afterAll(async () => {
  const redis = served.client();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await served?.close();
});

describe.each([{ autoPipelining: true }, { autoPipelining: false }])('Redis commands, auto-pipelining $autoPipelining', ({ autoPipelining }) => {
  const k = (name: string) => `${prefix}${autoPipelining ? 'auto' : 'single'}:${name}`;

  it('are counted one by one, whether they travel alone, auto-pipelined, in a pipeline or in a transaction', async () => {
    const redis = served.client({ autoPipelining });
    const meter = new UsageMeter();
    countRedisCommands(redis, meter);
    const counted = () => meter.pending()[`${utcDay(Date.now())} redis.commands`] ?? 0;
    const server = { ...served.standIn.stats };

    // Three concurrent single commands: batched into /pipeline requests with auto-pipelining, three POSTs without.
    await Promise.all([redis.set(k('a'), '1'), redis.incr(k('n')), redis.get(k('a'))]);
    const pipeline = redis.pipeline();
    pipeline.set(k('b'), 'x');
    pipeline.get(k('b'));
    pipeline.del(k('b'));
    await pipeline.exec();
    const tx = redis.multi();
    tx.incr(k('n'));
    tx.expire(k('n'), 60);
    await tx.exec();

    expect(counted()).toBe(8);
    expect(served.standIn.stats.commands - server.commands).toBe(8);
    const requests = served.standIn.stats.requests - server.requests;
    // Counting HTTP requests would undercount: 5 without auto-pipelining, fewer with it.
    if (autoPipelining) expect(requests).toBeLessThan(5);
    else expect(requests).toBe(5);

    // @upstash/ratelimit runs Lua scripts through the same client (EVALSHA, EVAL after a NOSCRIPT).
    const limiter = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(10, '1 m'), prefix: k('rl'), ephemeralCache: false });
    expect((await limiter.limit('someone')).success).toBe(true);
    expect((await limiter.limit('someone')).success).toBe(true);
    expect(counted()).toBeGreaterThanOrEqual(10);
    expect(counted()).toBe(served.standIn.stats.commands - server.commands);
  });
});
