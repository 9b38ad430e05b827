import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors, type Redis } from '@upstash/redis';
import { uniquePrefix } from '../../test-support/redis.ts';
import { BACKENDS, serveMountedStandIn, type MountedStandIn } from './serve-mounted-stand-in.ts';

// Everything goes through the real @upstash/redis SDK against each engine, served mounted at
// /redis of a parent app; with the SDK's defaults (base64 responses, auto-pipelining, so single
// commands travel as /pipeline requests) and without them (one command per POST /).
const CLIENTS = [
  { base64: true, autoPipelining: true },
  { base64: true, autoPipelining: false },
  { base64: false, autoPipelining: true },
  { base64: false, autoPipelining: false },
];

describe.each(BACKENDS)('the Redis stand-in on the $name', ({ redisUrl }) => {
  let served: MountedStandIn;
  const prefix = uniquePrefix('standin');
  beforeAll(async () => {
    served = await serveMountedStandIn(redisUrl);
  });
  afterAll(async () => {
    const redis = served.client();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await served.close();
  });

  it('says which engine it runs on', () => {
    expect(served.standIn.backend).toBe(redisUrl ? 'redis' : 'embedded');
  });

  describe.each(CLIENTS)('base64 $base64, auto-pipelining $autoPipelining', ({ base64, autoPipelining }) => {
    const k = (name: string) => `${prefix}${base64 ? 'b64' : 'raw'}${autoPipelining ? 'auto' : 'single'}:${name}`;
    const redis = () => served.client({ base64, autoPipelining });

    it('stores strings, including non-ASCII ones, with SET options', async () => {
      expect(await redis().ping()).toBe('PONG');
      expect(await redis().set(k('s'), 'héllo 👋 "quoted"')).toBe('OK');
      expect(await redis().get(k('s'))).toBe('héllo 👋 "quoted"');
      expect(await redis().set(k('s'), 'other', { nx: true })).toBeNull();
      expect(await redis().set(k('s'), 'next', { get: true })).toBe('héllo 👋 "quoted"');
      expect(await redis().set(k('ex'), 'v', { ex: 100 })).toBe('OK');
      expect(await redis().ttl(k('ex'))).toBeGreaterThan(0);
      expect(await redis().set(k('px'), 'v', { px: 100_000 })).toBe('OK');
      expect(await redis().pttl(k('px'))).toBeGreaterThan(1000);
      expect(await redis().pexpire(k('s'), 50_000)).toBe(1);
      expect(await redis().expire(k('s'), 60)).toBe(1);
      expect(await redis().ttl(k('missing'))).toBe(-2);
      expect(await redis().exists(k('s'), k('ex'), k('missing'))).toBe(2);
      expect(await redis().del(k('s'), k('missing'))).toBe(1);
      expect(await redis().get(k('s'))).toBeNull();
      await redis().mset({ [k('m1')]: 'one', [k('m2')]: 'two' });
      expect(await redis().mget(k('m1'), k('missing'), k('m2'))).toEqual(['one', null, 'two']);
    });

    it('counts', async () => {
      expect(await redis().incr(k('n'))).toBe(1);
      expect(await redis().incrby(k('n'), 10)).toBe(11);
      expect(await redis().decr(k('n'))).toBe(10);
      expect(await redis().incrbyfloat(k('n'), 0.5)).toBe(10.5);
      expect(await redis().get(k('n'))).toBe(10.5); // the SDK parses JSON-looking values
    });

    it('serializes objects to JSON and back', async () => {
      const value = { name: 'Ana', tags: ['a', 'b'], nested: { n: 1, ok: true } };
      await redis().set(k('json'), value);
      expect(await redis().get(k('json'))).toEqual(value);
    });

    it('keeps hashes, which come back as objects', async () => {
      expect(await redis().hset(k('h'), { name: 'Ana', visits: 1, profile: { city: 'Lima' } })).toBe(3);
      expect(await redis().hget(k('h'), 'name')).toBe('Ana');
      expect(await redis().hincrby(k('h'), 'visits', 2)).toBe(3);
      expect(await redis().hgetall(k('h'))).toEqual({ name: 'Ana', visits: 3, profile: { city: 'Lima' } });
      expect(await redis().hmget(k('h'), 'name', 'nope')).toEqual({ name: 'Ana', nope: null });
      expect(await redis().hdel(k('h'), 'profile')).toBe(1);
      expect(await redis().hgetall(k('h'))).toEqual({ name: 'Ana', visits: 3 });
      expect(await redis().hgetall(k('no-hash'))).toBeNull();
    });

    it('keeps lists, sets and sorted sets', async () => {
      expect(await redis().rpush(k('l'), 'b', 'c')).toBe(2);
      expect(await redis().lpush(k('l'), 'a')).toBe(3);
      expect(await redis().lrange(k('l'), 0, -1)).toEqual(['a', 'b', 'c']);
      expect(await redis().ltrim(k('l'), 0, 1)).toBe('OK');
      expect(await redis().llen(k('l'))).toBe(2);

      expect(await redis().sadd(k('set'), 'x', 'y', 'z')).toBe(3);
      expect(await redis().srem(k('set'), 'z')).toBe(1);
      expect((await redis().smembers(k('set'))).sort()).toEqual(['x', 'y']);
      expect(await redis().sismember(k('set'), 'x')).toBe(1);
      expect(await redis().sismember(k('set'), 'z')).toBe(0);

      expect(await redis().zadd(k('z'), { score: 2, member: 'two' }, { score: 1, member: 'one' })).toBe(2);
      expect(await redis().zincrby(k('z'), 5, 'one')).toBe(6);
      expect(await redis().zrange(k('z'), 0, -1)).toEqual(['two', 'one']);
      expect(await redis().zrange(k('z'), 0, -1, { withScores: true })).toEqual(['two', 2, 'one', 6]);
      expect(await redis().zrem(k('z'), 'two')).toBe(1);
      expect(await redis().zcard(k('z'))).toBe(1);
    });

    it('finds keys with KEYS and SCAN', async () => {
      await redis().set(k('scan:1'), 'a');
      await redis().set(k('scan:2'), 'b');
      expect((await redis().keys(`${k('scan:')}*`)).sort()).toEqual([k('scan:1'), k('scan:2')]);
      const found: string[] = [];
      let cursor: string | number = '0';
      do {
        const [next, keys]: [string, string[]] = await redis().scan(cursor, { match: `${k('scan:')}*`, count: 1000 });
        found.push(...keys);
        cursor = next;
      } while (String(cursor) !== '0');
      expect(found.sort()).toEqual([k('scan:1'), k('scan:2')]);
    });

    it('runs Lua scripts, also ones starting with an Upstash shebang', async () => {
      const script = '#!lua flags=allow-key-locking\nredis.call("SET", KEYS[1], ARGV[1])\nreturn {redis.call("GET", KEYS[1]), 7, "OK"}';
      expect(await redis().eval(script, [k('lua')], ['from lua'])).toEqual(['from lua', 7, 'OK']);
    });

    it('runs pipelines, keeping errors per command', async () => {
      const results = await redis().pipeline().set(k('p'), 'v').get(k('p')).incr(k('p:n')).hset(k('p:h'), { f: 'v' }).hgetall(k('p:h')).exec();
      expect(results).toEqual(['OK', 'v', 1, 1, { f: 'v' }]);
      const kept = await redis().pipeline().incr(k('p')).get(k('p')).exec({ keepErrors: true });
      expect(kept[0]?.error).toMatch(/^ERR value is not an integer or out of range/);
      expect(kept[1]).toEqual({ error: undefined, result: 'v' });
    });

    it('runs transactions', async () => {
      const results = await redis().multi().set(k('tx'), 1).incrby(k('tx'), 4).get(k('tx')).lpush(k('tx:l'), 'a').exec();
      expect(results).toEqual(['OK', 5, 5, 1]);
    });

    it("surfaces Redis' error message as an UpstashError", async () => {
      await redis().set(k('text'), 'not a number');
      const error = await redis().incr(k('text')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.UpstashError);
      // The SDK wraps Redis' message, unchanged: "Command failed: <it>" from a pipeline,
      // "<it>, command was: [...]" from a single command's HTTP 400.
      const redisMessage = 'ERR value is not an integer or out of range';
      expect((error as Error).message).toBe(
        autoPipelining ? `Command failed: ${redisMessage}` : `${redisMessage}, command was: ${JSON.stringify(['incr', k('text')])}`,
      );
      expect(await redis().get(k('text'))).toBe('not a number'); // and the value is untouched
    });

    it('rejects a wrong token', async () => {
      const error = await served.client({ base64, autoPipelining, token: 'wrong' }).get(k('s')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(errors.UpstashError);
      expect((error as Error).message).toMatch(/^WRONGPASS/);
    });
  });

  it('counts executed commands, a pipeline of 3 as 3', async () => {
    const redis = served.client({ autoPipelining: false });
    const before = { ...served.standIn.stats };
    await redis.set(`${prefix}count`, 1);
    await redis.pipeline().incr(`${prefix}count`).incr(`${prefix}count`).get(`${prefix}count`).exec();
    await redis.multi().incr(`${prefix}count`).get(`${prefix}count`).exec();
    expect(served.standIn.stats.commands - before.commands).toBe(6);
    expect(served.standIn.stats.requests - before.requests).toBe(3);
  });
});
