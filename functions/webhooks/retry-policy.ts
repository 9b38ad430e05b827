import { ConfigError } from '../../shared/config/parse-env.ts';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/**
 * How QStash retries a delivery whose subscriber did not answer 2xx:
 * - WEBHOOK_RETRIES: retries after the first attempt (default 3, QStash's free-plan maximum);
 * - WEBHOOK_RETRY_DELAY: QStash's Upstash-Retry-Delay expression in ms over `retried`; the default
 *   waits 15 s, 2.5 min, 25 min (then 4 h, capped at a day, if you raise the retries);
 * - WEBHOOK_PAUSE_AFTER_FAILURES: failed attempts in a row (retries included) that pause a
 *   subscriber (default 20: 2 % of QStash's free daily messages); see pause.ts.
 */
export const WEBHOOK_RETRY_DEFAULTS = {
  WEBHOOK_RETRIES: '3',
  WEBHOOK_RETRY_DELAY: 'min(86400000, pow(10, retried) * 15000)',
  WEBHOOK_PAUSE_AFTER_FAILURES: '20',
} as const;

export type RetryPolicy = { retries: number; retryDelay: string; pauseAfterFailures: number };

const parsed = new WeakMap<object, RetryPolicy>();

export function webhookRetryPolicy(config: FunctionsConfig): RetryPolicy {
  const hit = parsed.get(config);
  if (hit) return hit;
  const text = (name: keyof typeof WEBHOOK_RETRY_DEFAULTS) => config[name] ?? WEBHOOK_RETRY_DEFAULTS[name];
  const retries = Number(text('WEBHOOK_RETRIES'));
  const retryDelay = text('WEBHOOK_RETRY_DELAY');
  const pauseAfterFailures = Number(text('WEBHOOK_PAUSE_AFTER_FAILURES'));
  const problems: string[] = [];
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) problems.push('WEBHOOK_RETRIES must be a whole number from 0 to 20');
  if (!/^[\w\s+\-*/%(),.]{1,200}$/.test(retryDelay)) problems.push('WEBHOOK_RETRY_DELAY must be a QStash retry-delay expression such as "pow(2, retried) * 1000"');
  if (!Number.isInteger(pauseAfterFailures) || pauseAfterFailures < 1 || pauseAfterFailures > 1000) {
    problems.push('WEBHOOK_PAUSE_AFTER_FAILURES must be a whole number from 1 to 1000');
  }
  if (problems.length) throw new ConfigError(problems);
  const policy = { retries, retryDelay, pauseAfterFailures };
  parsed.set(config, policy);
  return policy;
}
