import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '../../test-support/redis.ts';
import { WRONGTYPE } from './key-types.ts';
import { serveMountedStandIn, type MountedStandIn } from './serve-mounted-stand-in.ts';

// The same commands through the REST stand-in on a real Redis and on the embedded engine: every
// answer (HTTP status and body) must be the same. `$k`, `$k2`... stand for keys of the case.
type Command = (string | number)[];
interface Case {
  name: string;
  commands: Command[];
}

const inAnHour = Math.floor(Date.now() / 1000) + 3600;

const EXPIRE_CASES: Case[] = [
  {
    name: 'EXPIRE NX, GT, LT and XX on a key with and without an expiry',
    commands: [
      ['SET', '$k', 'v'],
      ['EXPIRE', '$k', 100, 'XX'],
      ['EXPIRE', '$k', 100, 'GT'],
      ['EXPIRE', '$k', 100, 'NX'],
      ['TTL', '$k'],
      ['EXPIRE', '$k', 200, 'NX'],
      ['EXPIRE', '$k', 50, 'GT'],
      ['EXPIRE', '$k', 300, 'gt'],
      ['TTL', '$k'],
      ['EXPIRE', '$k', 400, 'LT'],
      ['EXPIRE', '$k', 50, 'lt'],
      ['TTL', '$k'],
      ['EXPIRE', '$k', 70, 'XX', 'GT'],
      ['TTL', '$k'],
      ['PERSIST', '$k'],
      ['EXPIRE', '$k', 500, 'LT'],
      ['TTL', '$k'],
      ['EXPIRE', '$k', 90, 'nx', 'nx'],
      ['TTL', '$k'],
    ],
  },
  {
    name: 'PEXPIRE, EXPIREAT and PEXPIREAT with options',
    commands: [
      ['SET', '$k', 'v'],
      ['PEXPIRE', '$k', 100_000, 'NX'],
      ['PEXPIRE', '$k', 200_000, 'LT'],
      ['PEXPIRE', '$k', 50_000, 'LT'],
      ['TTL', '$k'],
      ['EXPIREAT', '$k', inAnHour, 'GT'],
      ['TTL', '$k'],
      ['PEXPIREAT', '$k', 1000, 'GT'],
      ['PEXPIREAT', '$k', inAnHour * 1000 - 600_000, 'LT'],
      ['TTL', '$k'],
    ],
  },
  {
    name: 'EXPIRE options on a missing key, and an expiry in the past',
    commands: [
      ['EXPIRE', '$k', 100, 'NX'],
      ['EXPIRE', '$k', 100, 'LT'],
      ['SET', '$k', 'v', 'EX', 100],
      ['EXPIRE', '$k', 0, 'XX'],
      ['EXISTS', '$k'],
    ],
  },
  {
    name: 'EXPIRE option errors, checked before the number',
    commands: [
      ['SET', '$k', 'v'],
      ['EXPIRE', '$k', 100, 'NX', 'XX'],
      ['EXPIRE', '$k', 100, 'GT', 'NX'],
      ['EXPIRE', '$k', 100, 'GT', 'LT'],
      ['EXPIRE', '$k', 100, 'soon'],
      ['EXPIRE', '$k', 'abc', 'FOO'],
      ['EXPIRE', '$k', 'abc', 'NX'],
      ['TTL', '$k'],
    ],
  },
];

/** One key of each type, and commands of each type to run against it. */
const SETUPS: Record<string, Command> = {
  string: ['SET', '$k', 'v'],
  list: ['RPUSH', '$k', 'a'],
  hash: ['HSET', '$k', 'f', 'v'],
  set: ['SADD', '$k', 'm'],
  zset: ['ZADD', '$k', 1, 'm'],
};
const BY_TYPE: Record<string, Command[]> = {
  string: [['GET', '$k'], ['INCR', '$k'], ['APPEND', '$k', 'x'], ['STRLEN', '$k'], ['GETRANGE', '$k', 0, -1]],
  list: [['LPUSH', '$k', 'x'], ['RPUSH', '$k', 'x'], ['LRANGE', '$k', 0, -1], ['LLEN', '$k'], ['LPOP', '$k'], ['LINDEX', '$k', 0]],
  hash: [['HSET', '$k', 'g', 'w'], ['HGET', '$k', 'f'], ['HGETALL', '$k'], ['HINCRBY', '$k', 'n', 1], ['HLEN', '$k'], ['HKEYS', '$k']],
  set: [['SADD', '$k', 'x'], ['SISMEMBER', '$k', 'm'], ['SMEMBERS', '$k'], ['SCARD', '$k'], ['SREM', '$k', 'm']],
  zset: [['ZADD', '$k', 2, 'x'], ['ZSCORE', '$k', 'm'], ['ZRANGE', '$k', 0, -1], ['ZCARD', '$k'], ['ZINCRBY', '$k', 1, 'm'], ['ZRANK', '$k', 'm']],
};
const TYPE_CASES: Case[] = Object.entries(SETUPS).flatMap(([held, setup]) =>
  Object.values(BY_TYPE)
    .flat()
    .map((command) => ({ name: `${command[0]} on a ${held}`, commands: [setup, command, ['TYPE', '$k']] })),
);

const MULTI_KEY_CASES: Case[] = [
  { name: 'SET GET on a list', commands: [['RPUSH', '$k', 'a'], ['SET', '$k', 'v', 'GET'], ['SET', '$k', 'v'], ['TYPE', '$k']] },
  {
    name: 'LMOVE and RPOPLPUSH check the destination only when the source exists',
    commands: [
      ['SET', '$k2', 'v'],
      ['LMOVE', '$k', '$k2', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', '$k', '$k2'],
      ['RPUSH', '$k', 'a'],
      ['LMOVE', '$k', '$k2', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', '$k', '$k2'],
      ['LRANGE', '$k', 0, -1],
    ],
  },
  {
    name: 'SMOVE, SINTER and SINTERSTORE',
    commands: [
      ['SET', '$k2', 'v'],
      ['SMOVE', '$k', '$k2', 'm'],
      ['SADD', '$k', 'm'],
      ['SMOVE', '$k', '$k2', 'm'],
      ['SINTER', '$k', '$k2'],
      ['SUNION', '$k3', '$k2'],
      ['SINTERSTORE', '$k2', '$k', '$k3'],
      ['TYPE', '$k2'],
    ],
  },
  { name: 'SETNX and DEL on any type', commands: [['RPUSH', '$k', 'a'], ['SETNX', '$k', 'v'], ['DEL', '$k'], ['SETNX', '$k', 'v']] },
];

let real: MountedStandIn;
let embedded: MountedStandIn;
const prefix = { real: uniquePrefix('parity'), embedded: uniquePrefix('parity') };

beforeAll(async () => {
  [real, embedded] = await Promise.all([serveMountedStandIn(TEST_REDIS_URL), serveMountedStandIn(undefined)]);
});
afterAll(async () => {
  const keys = (await call(real, ['KEYS', `${prefix.real}*`])).body as { result: string[] };
  if (keys.result.length > 0) await call(real, ['DEL', ...keys.result]);
  await Promise.all([real?.close(), embedded?.close()]);
});

async function call(served: MountedStandIn, command: Command) {
  const response = await fetch(served.url, {
    method: 'POST',
    headers: { authorization: `Bearer ${served.token}` },
    body: JSON.stringify(command),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

/** Runs a case on one engine; keys carry the engine's prefix, and TTLs are rounded to tens of seconds. */
async function run(which: 'real' | 'embedded', testCase: Case, n: number) {
  const served = which === 'real' ? real : embedded;
  const keyPrefix = `${prefix[which]}${n}:`;
  const answers = [];
  for (const command of testCase.commands) {
    const args = command.map((arg) => (typeof arg === 'string' ? arg.replace(/^\$k/, keyPrefix) : arg));
    const answer = await call(served, args);
    const result = (answer.body as { result?: unknown }).result;
    if (String(command[0]).toUpperCase() === 'TTL' && typeof result === 'number' && result > 0) {
      answer.body = { result: Math.round(result / 10) * 10 };
    }
    answers.push([command.join(' '), answer]);
  }
  return JSON.parse(JSON.stringify(answers).replaceAll(keyPrefix, '$k'));
}

describe('the embedded engine answers as Redis does', () => {
  const cases = [...EXPIRE_CASES, ...TYPE_CASES, ...MULTI_KEY_CASES];
  it.each(cases.map((testCase, n) => ({ ...testCase, n })))('$name', async (testCase) => {
    const [onRedis, onEmbedded] = [await run('real', testCase, testCase.n), await run('embedded', testCase, testCase.n)];
    expect(onEmbedded).toEqual(onRedis);
  });

  it('answers a type error in the Upstash REST shape', async () => {
    const key = `${prefix.embedded}shape`;
    await call(embedded, ['SET', key, 'v']);
    expect(await call(embedded, ['LPUSH', key, 'x'])).toEqual({ status: 400, body: { error: WRONGTYPE } });
    expect(await call(real, ['SET', `${prefix.real}shape`, 'v'])).toMatchObject({ status: 200 });
    expect(await call(real, ['LPUSH', `${prefix.real}shape`, 'x'])).toEqual({ status: 400, body: { error: WRONGTYPE } });
  });
});
