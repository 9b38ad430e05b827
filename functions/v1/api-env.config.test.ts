import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config/parse-env.ts';
import { loadFunctionsConfig, type FunctionsConfig } from '../../shared/config/functions-config.ts';
import { webhookRetryPolicy } from '../webhooks/retry-policy.ts';
import { rateLimitConfig } from './rate-limit-config.ts';

const config = (extra: Record<string, string> = {}) => ({ ...loadFunctionsConfig({ MODE: 'local' }), ...extra }) as FunctionsConfig;

describe('the API’s variables', () => {
  it('default to documented values', () => {
    expect(rateLimitConfig(config())).toMatchObject({ perKey: { tokens: 120, window: '1 m' }, perContact: { tokens: 60, window: '1 h' } });
    expect(webhookRetryPolicy(config())).toEqual({ retries: 3, retryDelay: 'min(86400000, pow(10, retried) * 15000)', pauseAfterFailures: 20 });
  });

  it('take "<requests>/<window>" and a QStash retry expression', () => {
    expect(rateLimitConfig(config({ API_RATE_LIMIT_PER_KEY: '600 / 30s' })).perKey).toMatchObject({ tokens: 600, window: '30 s' });
    expect(webhookRetryPolicy(config({ WEBHOOK_RETRIES: '0', WEBHOOK_RETRY_DELAY: '1000 * (1 + retried)' }))).toEqual({
      retries: 0,
      retryDelay: '1000 * (1 + retried)',
      pauseAfterFailures: 20,
    });
    expect(webhookRetryPolicy(config({ WEBHOOK_PAUSE_AFTER_FAILURES: '5' })).pauseAfterFailures).toBe(5);
  });

  it('name the variable when a value is malformed', () => {
    for (const bad of ['120', '0/1 m', 'ten/1 m', '5/1 fortnight']) {
      expect(() => rateLimitConfig(config({ API_RATE_LIMIT_PER_CONTACT: bad }))).toThrow(ConfigError);
      expect(() => rateLimitConfig(config({ API_RATE_LIMIT_PER_CONTACT: bad }))).toThrow(/API_RATE_LIMIT_PER_CONTACT/);
    }
    expect(() => webhookRetryPolicy(config({ WEBHOOK_RETRIES: '99' }))).toThrow(/WEBHOOK_RETRIES/);
    expect(() => webhookRetryPolicy(config({ WEBHOOK_RETRY_DELAY: 'fetch("x")' }))).toThrow(/WEBHOOK_RETRY_DELAY/);
    expect(() => webhookRetryPolicy(config({ WEBHOOK_PAUSE_AFTER_FAILURES: '0' }))).toThrow(/WEBHOOK_PAUSE_AFTER_FAILURES/);
  });
});
