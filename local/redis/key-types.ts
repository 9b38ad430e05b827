/**
 * Which type each key of a command must hold. Redis answers WRONGTYPE when it holds another;
 * ioredis-mock instead answers its own words ("Key s does not contain a list"), a JS exception
 * ("set2.has is not a function") or a made-up value (HGETALL of a string gives {"0": "v"}), so the
 * embedded backend checks the types first. A missing key is never a type error.
 */
import { RedisCommandError } from './backend.ts';

export type KeyType = 'string' | 'list' | 'hash' | 'set' | 'zset';

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

interface Rule {
  type: KeyType;
  /** Keys checked always. */
  keys(args: string[]): string[];
  /** A move: the destination is checked only when the source exists; otherwise Redis answers this at once. */
  move?: { destination(args: string[]): string[]; missingSource: null | 0 };
}

const first = (args: string[]) => args.slice(0, 1);
const all = (args: string[]) => args;
const afterDestination = (args: string[]) => args.slice(1);
const second = (args: string[]) => args.slice(1, 2);
/** `numkeys key [key ...]` starting at `at`. */
const counted = (at: number) => (args: string[]) => args.slice(at + 1, at + 1 + Number(args[at] ?? 0));

const RULES = new Map<string, Rule>();
function rule(type: KeyType, names: string, keys = first, move?: Rule['move']): void {
  for (const name of names.split(' ')) RULES.set(name, { type, keys, ...(move && { move }) });
}

rule('string', 'get getset getdel getex getrange substr setrange append strlen incr decr incrby decrby incrbyfloat getbit setbit bitcount bitpos');
rule('list', 'lpush rpush lpushx rpushx lpop rpop llen lrange lindex lset linsert lrem ltrim lpos');
rule('list', 'lmove rpoplpush', first, { destination: second, missingSource: null });
rule('list', 'lmpop', counted(0));
rule('hash', 'hset hsetnx hmset hget hmget hgetall hdel hexists hincrby hincrbyfloat hkeys hvals hlen hstrlen hrandfield hscan');
rule('set', 'sadd srem smembers sismember smismember scard spop srandmember sscan');
rule('set', 'smove', first, { destination: second, missingSource: 0 });
rule('set', 'sinter sunion sdiff', all);
rule('set', 'sinterstore sunionstore sdiffstore', afterDestination);
rule('set', 'sintercard', counted(0));
rule(
  'zset',
  'zadd zrem zscore zmscore zincrby zcard zcount zlexcount zrange zrangebyscore zrevrangebyscore zrevrange zrangebylex zrevrangebylex zrank zrevrank zpopmin zpopmax zremrangebyscore zremrangebyrank zremrangebylex zrandmember zscan',
);
rule('zset', 'zrangestore', second);

/**
 * Throws WRONGTYPE when a key of the command holds another type. `typeOf` answers like TYPE.
 * Returns `{ answer }` when Redis answers without running the command (a move from a missing source).
 */
export async function checkKeyTypes(
  name: string,
  args: string[],
  typeOf: (key: string) => Promise<string>,
): Promise<{ answer: null | 0 } | undefined> {
  // SET ... GET reads the old value, so it must be a string; a plain SET overwrites any type.
  const found = name === 'set' && args.slice(2).some((arg) => arg.toUpperCase() === 'GET') ? RULES.get('get') : RULES.get(name);
  if (!found) return undefined;
  const keys = found.keys(args);
  for (const key of keys) {
    const type = await typeOf(key);
    if (type !== 'none' && type !== found.type) throw new RedisCommandError(WRONGTYPE);
  }
  if (!found.move) return undefined;
  if ((await typeOf(keys[0] ?? '')) === 'none') return { answer: found.move.missingSource };
  for (const key of found.move.destination(args)) {
    const type = await typeOf(key);
    if (type !== 'none' && type !== found.type) throw new RedisCommandError(WRONGTYPE);
  }
  return undefined;
}

/** Set stores whose result is empty delete the destination in Redis; ioredis-mock leaves an empty set there. */
export const EMPTY_RESULT_DELETES_DESTINATION = new Set(['sinterstore', 'sunionstore', 'sdiffstore']);
