import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniquePrefix } from '../../test-support/redis.ts';
import { BACKENDS, serveMountedStandIn, type MountedStandIn } from './serve-mounted-stand-in.ts';

// The REST protocol byte for byte, with plain fetch: what the SDKs rely on without showing it.
describe.each(BACKENDS)('the REST wire format on the $name', ({ redisUrl }) => {
  let served: MountedStandIn;
  const prefix = uniquePrefix('wire');
  const k = (name: string) => `${prefix}${name}`;
  beforeAll(async () => {
    served = await serveMountedStandIn(redisUrl);
  });
  afterAll(async () => {
    const keys = (await post('/', ['KEYS', `${prefix}*`])).body as { result: string[] };
    if (keys.result.length > 0) await post('/', ['DEL', ...keys.result]);
    await served.close();
  });

  async function post(path: string, body: unknown, options: { base64?: boolean; headers?: Record<string, string> } = {}) {
    const response = await fetch(`${served.url}${path === '/' ? '' : path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${served.token}`,
        ...(options.base64 ? { 'upstash-encoding': 'base64' } : {}),
        ...options.headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown, headers: response.headers };
  }

  it('answers one command with {result}, stringifying numbers and booleans', async () => {
    expect(await post('/', ['SET', k('s'), 12.5, 'EX', 100])).toMatchObject({ status: 200, body: { result: 'OK' } });
    expect((await post('/', ['GET', k('s')])).body).toEqual({ result: '12.5' });
    expect((await post('/', ['SET', k('b'), true])).body).toEqual({ result: 'OK' });
    expect((await post('/', ['MGET', k('b'), k('none')])).body).toEqual({ result: ['true', null] });
    expect((await post('/', ['EXISTS', k('s')])).body).toEqual({ result: 1 });
  });

  it('refuses a missing or wrong token with 401, accepts ?_token=, and counts only authorized requests', async () => {
    const before = { ...served.standIn.stats };
    const url = `${served.url}`;
    const missing = await fetch(url, { method: 'POST', body: '["PING"]' });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ error: expect.stringMatching(/^WRONGPASS/) });
    expect((await post('/', ['PING'], { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect(served.standIn.stats).toEqual(before);
    const viaQuery = await fetch(`${url}?_token=${served.token}`, { method: 'POST', body: '["PING"]' });
    expect(await viaQuery.json()).toEqual({ result: 'PONG' });
    expect(served.standIn.stats).toEqual({ requests: before.requests + 1, commands: before.commands + 1 });
  });

  it('passes Redis errors through unchanged with 400, never base64-encoded', async () => {
    await post('/', ['SET', k('text'), 'abc']);
    expect(await post('/', ['INCR', k('text')], { base64: true })).toMatchObject({
      status: 400,
      body: { error: 'ERR value is not an integer or out of range' },
    });
    expect(await post('/', ['EVALSHA', 'a'.repeat(40), 0])).toMatchObject({
      status: 400,
      body: { error: 'NOSCRIPT No matching script. Please use EVAL.' },
    });
    expect((await post('/', ['NOSUCHCOMMAND', 'x'])).body).toEqual({ error: expect.stringMatching(/^ERR unknown command 'NOSUCHCOMMAND'/) });
    expect((await post('/', ['SUBSCRIBE', 'news'])).status).toBe(400);
    expect((await post('/', '{not json')).status).toBe(400);
    expect((await post('/', [])).status).toBe(400);
  });

  it('base64-encodes every string except a top-level "OK"; numbers and nulls stay', async () => {
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
    expect((await post('/', ['SET', k('e'), 'héllo 👋'], { base64: true })).body).toEqual({ result: 'OK' });
    expect((await post('/', ['GET', k('e')], { base64: true })).body).toEqual({ result: b64('héllo 👋') });
    expect((await post('/', ['GET', k('none')], { base64: true })).body).toEqual({ result: null });
    expect((await post('/', ['PING'], { base64: true })).body).toEqual({ result: b64('PONG') });
    const script = "return {'OK', 'x', 7, false, {'y'}}";
    // Inside arrays the SDK decodes every string, so "OK" is encoded there like anything else.
    expect((await post('/', ['EVAL', script, 0], { base64: true })).body).toEqual({
      result: [b64('OK'), b64('x'), 7, null, [b64('y')]],
    });
  });

  it('flattens hashes into [field, value, ...] instead of returning JSON objects', async () => {
    await post('/', ['HSET', k('h'), 'a', '1', 'b', '2']);
    const { result } = (await post('/', ['HGETALL', k('h')])).body as { result: string[] };
    expect(result).toHaveLength(4);
    expect(Object.fromEntries([[result[0], result[1]], [result[2], result[3]]])).toEqual({ a: '1', b: '2' });
    expect((await post('/', ['HGETALL', k('none')])).body).toEqual({ result: [] });
  });

  it('echoes upstash-sync-token', async () => {
    const { headers } = await post('/', ['PING'], { headers: { 'upstash-sync-token': 'sync-42' } });
    expect(headers.get('upstash-sync-token')).toBe('sync-42');
  });

  it('runs a pipeline with one {result} or {error} per command', async () => {
    const { status, body } = await post('/pipeline', [['SET', k('p'), 'v'], ['INCR', k('p')], [], ['SELECT', 1], ['GET', k('p')]]);
    expect(status).toBe(200);
    expect(body).toEqual([
      { result: 'OK' },
      { error: 'ERR value is not an integer or out of range' },
      { error: expect.stringMatching(/^ERR /) },
      { error: expect.stringMatching(/^ERR /) },
      { result: 'v' },
    ]);
  });

  it('runs a transaction, and discards it whole when a command is refused while queueing', async () => {
    await post('/', ['SET', k('t:text'), 'abc']);
    expect((await post('/multi-exec', [['SET', k('t'), '1'], ['INCR', k('t')], ['INCR', k('t:text')]])).body).toEqual([
      { result: 'OK' },
      { result: 2 },
      { error: 'ERR value is not an integer or out of range' },
    ]);
    for (const refused of [['NOSUCHCOMMAND'], ['WATCH', k('t')]]) {
      const discarded = await post('/multi-exec', [['SET', k('t:never'), '1'], refused]);
      expect(discarded).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^EXECABORT /) } });
    }
    expect((await post('/', ['EXISTS', k('t:never')])).body).toEqual({ result: 0 });
  });

  it('blanks the #!lua shebang the same way for EVAL and SCRIPT LOAD, and knows the caller\'s hash', async () => {
    const script = '#!lua flags=allow-key-locking\nreturn ARGV[1]';
    const callerSha = createHash('sha1').update(script).digest('hex');
    const loaded = (await post('/', ['SCRIPT', 'LOAD', script])).body as { result: string };
    expect(loaded.result).toBe(createHash('sha1').update('\nreturn ARGV[1]').digest('hex'));
    expect((await post('/', ['EVALSHA', loaded.result, 0, 'by loaded sha'])).body).toEqual({ result: 'by loaded sha' });
    expect((await post('/', ['EVALSHA', callerSha, 0, 'by caller sha'])).body).toEqual({ result: 'by caller sha' });
    expect((await post('/', ['EVAL', script, 0, 'by eval'])).body).toEqual({ result: 'by eval' });
    // A Lua error keeps the caller's line numbers: the shebang line is blanked, not removed.
    const broken = await post('/', ['EVAL', '#!lua flags=allow-key-locking\nlocal x = nil\nreturn x + 1', 0]);
    expect(broken.body).toEqual({ error: expect.stringMatching(/^ERR .*:3: attempt to perform arithmetic on .*nil value/) });
  });

  it('gives Lua the Redis semantics scripts rely on: false for nil, errors from redis.call/pcall', async () => {
    const script = [
      "local got = redis.call('HMGET', KEYS[1], 'missing')",
      "local failed = redis.pcall('SET', KEYS[1], 'v', 'NX', 'XX')",
      'local filled = {} for i = 1, 3 do filled[#filled + 1] = i end',
      "return {tostring(got[1]), failed.err, filled, 2.0, redis.call('HSET', KEYS[1], 'n', 2.0), redis.call('HGET', KEYS[1], 'n')}",
    ].join('\n');
    expect((await post('/', ['EVAL', script, 1, k('lua')])).body).toEqual({
      result: ['false', expect.stringMatching(/^ERR syntax error/), [1, 2, 3], 2, 1, '2'],
    });
    const raised = await post('/', ['EVAL', "return redis.call('SET', KEYS[1], 'v', 'NX', 'XX')", 1, k('lua')]);
    expect(raised).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^ERR syntax error/) } });
  });

  it('reads SET options in any case and order, like Redis', async () => {
    expect((await post('/', ['set', k('o'), 'v1', 'nx', 'px', 100_000])).body).toEqual({ result: 'OK' });
    expect((await post('/', ['set', k('o'), 'v2', 'nx'])).body).toEqual({ result: null });
    expect((await post('/', ['set', k('o'), 'v3', 'get', 'ex', 100])).body).toEqual({ result: 'v1' });
    expect(((await post('/', ['ttl', k('o')])).body as { result: number }).result).toBeGreaterThan(0);
    expect((await post('/', ['set', k('o'), 'v4', 'keepttl'])).body).toEqual({ result: 'OK' });
    expect(((await post('/', ['ttl', k('o')])).body as { result: number }).result).toBeGreaterThan(0);
    expect((await post('/', ['set', k('o'), 'v5'])).body).toEqual({ result: 'OK' });
    expect((await post('/', ['ttl', k('o')])).body).toEqual({ result: -1 });
    expect((await post('/', ['zadd', k('z'), 'nx', 'ch', 1, 'a'])).body).toEqual({ result: 1 });
    expect((await post('/', ['zadd', k('z'), 'nx', 5, 'a'])).body).toEqual({ result: 0 });
  });
});
