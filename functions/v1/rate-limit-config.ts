import type { Duration } from '@upstash/ratelimit';
import { ConfigError } from '../../shared/config/parse-env.ts';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/** `<requests>/<window>`, the window in Upstash's duration syntax: `120/1 m`, `60/1 h`, `10/30 s`. */
export type LimitSpec = { tokens: number; window: Duration; text: string };

/**
 * The /v1 rate limits and their defaults (docs/api.md lists them):
 * - API_RATE_LIMIT_PER_KEY: every /v1 request, per API key (default 120 a minute);
 * - API_RATE_LIMIT_PER_CONTACT: POST /v1/messages, per WhatsApp contact, over all keys (default 60 an
 *   hour): a bug in an integration must not get the team's number banned for spamming one person.
 */
export const RATE_LIMIT_DEFAULTS = {
  API_RATE_LIMIT_PER_KEY: '120/1 m',
  API_RATE_LIMIT_PER_CONTACT: '60/1 h',
} as const;

export type RateLimitConfig = { perKey: LimitSpec; perContact: LimitSpec };

const SPEC = /^\s*(\d{1,7})\s*\/\s*(\d{1,7})\s*(ms|s|m|h|d|w)\s*$/;

export function parseLimitSpec(name: string, text: string): LimitSpec {
  const match = SPEC.exec(text);
  const tokens = Number(match?.[1]);
  const amount = Number(match?.[2]);
  if (!match || tokens < 1 || amount < 1) {
    throw new ConfigError([`${name} must look like "120/1 m" (requests / window in ms, s, m, h, d or w), not "${text}"`]);
  }
  return { tokens, window: `${amount} ${match[3]}` as Duration, text: `${tokens}/${amount} ${match[3]}` };
}

const parsed = new WeakMap<object, RateLimitConfig>();

/** Parsed once per config object; a malformed value fails every /v1 request with a message naming the variable. */
export function rateLimitConfig(config: FunctionsConfig): RateLimitConfig {
  const hit = parsed.get(config);
  if (hit) return hit;
  const read = (name: keyof typeof RATE_LIMIT_DEFAULTS) => parseLimitSpec(name, config[name] ?? RATE_LIMIT_DEFAULTS[name]);
  const value = { perKey: read('API_RATE_LIMIT_PER_KEY'), perContact: read('API_RATE_LIMIT_PER_CONTACT') };
  parsed.set(config, value);
  return value;
}
