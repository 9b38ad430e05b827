import { createHash } from 'node:crypto';
import { RedisCommandError } from './backend.ts';

/**
 * Commands that change or hold the state of a connection. Every REST request shares the
 * stand-in's connection, so one caller's SELECT or BLPOP would silently affect or stall all the
 * others.
 */
const CONNECTION_BOUND = new Set([
  'AUTH', 'HELLO', 'SELECT', 'RESET', 'QUIT', 'CLIENT', 'MONITOR', 'SYNC', 'PSYNC',
  'MULTI', 'EXEC', 'DISCARD', 'WATCH', 'UNWATCH',
  'SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE', 'UNSUBSCRIBE', 'PUNSUBSCRIBE', 'SUNSUBSCRIBE',
  'BLPOP', 'BRPOP', 'BLMOVE', 'BRPOPLPUSH', 'BLMPOP', 'BZPOPMIN', 'BZPOPMAX', 'BZMPOP',
  'WAIT', 'WAITAOF',
]);

/**
 * @upstash/ratelimit starts every script with `#!lua flags=allow-key-locking`, an Upstash-only flag
 * that stock Redis rejects and that fengari cannot parse at all. The line is blanked rather than
 * removed so that line numbers in Lua error messages still match the script the caller sent.
 */
export function stripShebang(script: string): string {
  return script.startsWith('#!lua') ? script.replace(/^#!lua[^\n]*/, '') : script;
}

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * Returns the function that validates one command from a request body (a JSON array such as
 * ["SET","k","v","EX",100]) and turns it into the string arguments Redis receives. It throws
 * RedisCommandError, which the client sees like any other Redis error.
 *
 * It also remembers scripts whose shebang it blanked: the client keeps asking EVALSHA with the
 * hash of the script it knows, which Redis never saw. Without translating that hash, every
 * @upstash/ratelimit call would cost EVALSHA (miss) + EVAL, twice what Upstash bills, and
 * stats.commands exists to measure that cost.
 */
export function createCommandPreparer(): (raw: unknown) => string[] {
  const ranAs = new Map<string, string>(); // sha1 the client knows -> sha1 of what Redis ran

  function blankShebang(args: string[], index: number): void {
    const script = args[index];
    if (script === undefined) return;
    args[index] = stripShebang(script);
    if (args[index] === script) return;
    if (ranAs.size >= 1000) ranAs.clear(); // scripts are few; this only bounds a misbehaving client
    ranAs.set(sha1(script), sha1(args[index]));
  }
  const translate = (sha: string) => ranAs.get(sha.toLowerCase()) ?? sha;

  return (raw) => {
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new RedisCommandError('ERR a command must be a non-empty JSON array, e.g. ["GET","key"]');
    }
    const args = raw.map((arg: unknown) => {
      if (typeof arg === 'string') return arg;
      if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
      throw new RedisCommandError(`ERR command arguments must be strings, numbers or booleans, got ${JSON.stringify(arg)}`);
    });
    const name = args[0]!.toUpperCase();
    const sub = args[1]?.toUpperCase();
    if (CONNECTION_BOUND.has(name)) {
      throw new RedisCommandError(`ERR '${args[0]}' is not available through the REST endpoint: it needs a connection of its own`);
    }
    if (name === 'EVAL' || name === 'EVAL_RO') blankShebang(args, 1);
    // SCRIPT LOAD hashes the same body EVAL runs, so EVALSHA of the hash it returns finds it.
    if (name === 'SCRIPT' && sub === 'LOAD') blankShebang(args, 2);
    if ((name === 'EVALSHA' || name === 'EVALSHA_RO') && args[1] !== undefined) args[1] = translate(args[1]);
    if (name === 'SCRIPT' && sub === 'EXISTS') return [...args.slice(0, 2), ...args.slice(2).map(translate)];
    return args;
  };
}
