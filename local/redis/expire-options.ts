/**
 * EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT with Redis 7's NX | XX | GT | LT. ioredis-mock ignores the
 * options and always sets the expiry; this decides, as Redis' expireGenericCommand does, whether
 * the expiry is set at all, and gives the same errors in the same order (options before the number).
 */
import { RedisCommandError } from './backend.ts';

const EXPIRE_COMMANDS = new Set(['expire', 'pexpire', 'expireat', 'pexpireat']);

export interface ExpireCall {
  key: string;
  amount: string;
  /** Unix ms the key would expire at. */
  at(now: number): number;
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

/** The parsed call when `name` is an EXPIRE command with options; undefined otherwise (the mock handles it). */
export function parseExpireOptions(name: string, args: string[]): ExpireCall | undefined {
  if (!EXPIRE_COMMANDS.has(name) || args.length <= 2) return undefined;
  const [key = '', amount = '', ...options] = args;
  const flags = { nx: false, xx: false, gt: false, lt: false };
  for (const option of options) {
    const flag = option.toLowerCase();
    if (!(flag in flags)) throw new RedisCommandError(`ERR Unsupported option ${option}`);
    flags[flag as keyof typeof flags] = true;
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) {
    throw new RedisCommandError('ERR NX and XX, GT or LT options at the same time are not compatible');
  }
  if (flags.gt && flags.lt) throw new RedisCommandError('ERR GT and LT options at the same time are not compatible');
  if (!/^-?\d{1,18}$/.test(amount)) throw new RedisCommandError('ERR value is not an integer or out of range');
  const value = Number(amount);
  const unitMs = name === 'expire' || name === 'expireat' ? 1000 : 1;
  const absolute = name.endsWith('at');
  return { key, amount, at: (now) => (absolute ? value * unitMs : now + value * unitMs), ...flags };
}

/**
 * Whether Redis would set the expiry, given the key's PTTL (-2 missing, -1 no expiry). A key
 * without an expiry counts as expiring never: GT never beats it, LT always does.
 */
export function expiryApplies(call: ExpireCall, pttl: number, now: number): boolean {
  if (pttl === -2) return false;
  const current = pttl === -1 ? undefined : now + pttl;
  const when = call.at(now);
  if (call.nx && current !== undefined) return false;
  if (call.xx && current === undefined) return false;
  if (call.gt && (current === undefined || when <= current)) return false;
  if (call.lt && current !== undefined && when >= current) return false;
  return true;
}
