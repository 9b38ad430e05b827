import { RedisCommandError } from './backend.ts';

/**
 * Where ioredis-mock (the embedded engine) parts from Redis in ways our product would notice, and
 * how the embedded backend evens it out. Everything else it gets wrong is listed in the tests.
 */

/**
 * ioredis-mock only recognizes upper-case SET options, and breaks on GET before EX ("GET" pairs
 * with "EX"); the Upstash SDK sends ["set", k, v, "nx", "get", "ex", 100]. This parses SET's
 * options the way Redis does and rewrites them in the one order the mock reads correctly.
 * KEEPTTL is not understood by the mock at all, so the caller re-applies the TTL (keepTtl).
 */
export function canonicalSet(args: string[]): { args: string[]; keepTtl: boolean } {
  const [key, value, ...options] = args;
  if (key === undefined || value === undefined) {
    throw new RedisCommandError("ERR wrong number of arguments for 'set' command");
  }
  const flags = new Set<string>();
  let expiry: [string, string] | undefined;
  for (let i = 0; i < options.length; i++) {
    const option = options[i]!.toUpperCase();
    if (option === 'NX' || option === 'XX' || option === 'GET' || option === 'KEEPTTL') {
      flags.add(option);
    } else if (['EX', 'PX', 'EXAT', 'PXAT'].includes(option) && !expiry && i + 1 < options.length) {
      const amount = options[++i]!;
      if (!/^\d{1,18}$/.test(amount)) throw new RedisCommandError('ERR value is not an integer or out of range');
      if (Number(amount) <= 0) throw new RedisCommandError("ERR invalid expire time in 'set' command");
      expiry = [option, amount];
    } else {
      throw new RedisCommandError('ERR syntax error');
    }
  }
  if ((flags.has('NX') && flags.has('XX')) || (flags.has('KEEPTTL') && expiry)) {
    throw new RedisCommandError('ERR syntax error');
  }
  const rewritten = [key, value, ...['NX', 'XX'].filter((f) => flags.has(f)), ...(expiry ?? [])];
  if (flags.has('GET')) rewritten.push('GET');
  return { args: rewritten, keepTtl: flags.has('KEEPTTL') };
}

/** Other case-sensitive options of the mock: ZADD's leading flags and LMOVE's directions. */
export function upperCaseOptions(name: string, args: string[]): string[] {
  const upper = (arg: string) => arg.toUpperCase();
  if (name === 'zadd') {
    const out = [...args];
    for (let i = 1; i < out.length && ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].includes(upper(out[i]!)); i++) {
      out[i] = upper(out[i]!);
    }
    return out;
  }
  if (name === 'lmove') return args.map((arg, i) => (i === 2 || i === 3 ? upper(arg) : arg));
  return args;
}

/**
 * ioredis-mock answers INCR on "abc" with null and stores "NaN"; Redis refuses and keeps the value.
 * Returns the error to raise, if any, given the current value and the increment.
 */
const NUMERIC_UPDATES: Record<string, { hash: boolean; float: boolean; message: string }> = {
  incr: { hash: false, float: false, message: 'ERR value is not an integer or out of range' },
  decr: { hash: false, float: false, message: 'ERR value is not an integer or out of range' },
  incrby: { hash: false, float: false, message: 'ERR value is not an integer or out of range' },
  decrby: { hash: false, float: false, message: 'ERR value is not an integer or out of range' },
  incrbyfloat: { hash: false, float: true, message: 'ERR value is not a valid float' },
  hincrby: { hash: true, float: false, message: 'ERR hash value is not an integer' },
  hincrbyfloat: { hash: true, float: true, message: 'ERR hash value is not a float' },
};

export function numericUpdate(name: string): { hash: boolean; check(current: unknown, by: string | undefined): void } | undefined {
  const rule = NUMERIC_UPDATES[name];
  if (!rule) return undefined;
  const isNumeral = (text: string) =>
    rule.float ? text.trim() === text && text !== '' && Number.isFinite(Number(text)) : /^-?\d{1,19}$/.test(text);
  return {
    hash: rule.hash,
    check(current, by) {
      if ((current !== null && current !== undefined && !isNumeral(String(current))) || (by !== undefined && !isNumeral(by))) {
        throw new RedisCommandError(rule.message);
      }
    },
  };
}

/**
 * Lua in ioredis-mock differs from Redis' Lua in ways the ratelimit scripts (and ordinary scripts)
 * trip over. wrapScript() undoes them:
 *  - arguments to redis.call: Redis hands numbers over as strings (Lua 5.1's "%.14g"); the mock
 *    would store JS numbers, and fengari (Lua 5.3) would print 2.0 as "2.0";
 *  - replies of redis.call: the mock hands arrays over as JS proxies in which nil is a JS null
 *    that is not `false`, and nested arrays index from 0. They become real Lua tables, nil as
 *    `false`. (The mock puts a null at index 0 of the top-level array: that is our null.) A failed
 *    command comes back as ["error", "Error: <message>"]: redis.call raises <message>, as in Redis,
 *    instead of the mock's bare "null", and redis.pcall returns {err = <message>}.
 *  - the script's return value: the mock reads a table as an array only if its keys iterate
 *    n..1, which holds for `{a, b}` literals but not for tables filled in a loop (those came back
 *    as nothing). It is rebuilt in that order; {err=...} and {ok=...} mean what they do in Redis.
 * The prelude is one line and the script starts on it, so Lua error line numbers stay right.
 */
const LUA_PRELUDE = [
  'local __si_pcall = redis.pcall',
  'local function __si_args(...) local a = table.pack(...) for i = 1, a.n do',
  "  if type(a[i]) == 'number' then a[i] = string.format('%.14g', a[i]) end end return table.unpack(a, 1, a.n) end",
  'local function __si_list(v, base, null) local t = {} for i = v.length - 1, base, -1 do local x = v[i]',
  "  if x == null then x = false elseif type(x) == 'userdata' then x = __si_list(x, 0, null) end",
  '  t[i - base + 1] = x end return t end',
  "local function __si_reply(r) if type(r) == 'userdata' then return __si_list(r, 1, r[0]) end return r end",
  "local function __si_failed(r) if type(r) == 'userdata' and r[0] == 'error' then return (string.gsub(r[1], '^%a*Error: ', '')) end end",
  'redis.call = function(...) local r = __si_pcall(__si_args(...)) local e = __si_failed(r)',
  '  if e then error(e, 0) end return __si_reply(r) end',
  'redis.pcall = function(...) local r = __si_pcall(__si_args(...)) local e = __si_failed(r)',
  '  if e then return {err = e} end return __si_reply(r) end',
  "local function __si_out(v) if type(v) ~= 'table' then return v end",
  '  if v.err ~= nil then error(v.err, 0) end if v.ok ~= nil then return v.ok end',
  '  local t = {} for i = #v, 1, -1 do t[i] = __si_out(v[i]) end return t end',
  'return __si_out((function() ',
].join(' ');

export function wrapScript(script: string): string {
  return `${LUA_PRELUDE}${script}\nend)())`;
}

/** The mock prefixes every Lua failure with this; Redis' message is what follows it. */
export const MOCK_LUA_ERROR = 'Error trying to loading or executing lua code string in VM: ';

/** Redis' Lua-to-reply rules, which ioredis-mock skips: false is nil, true is 1, numbers truncate. */
export function fromLua(value: unknown): unknown {
  if (value === undefined || value === null || value === false) return null;
  if (value === true) return 1;
  if (typeof value === 'number') return Math.trunc(value);
  return Array.isArray(value) ? value.map(fromLua) : value;
}
