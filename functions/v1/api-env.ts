import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/** The API's own variables (API_RATE_LIMIT_*, WEBHOOK_RETR*), as the validated config carries them. */
export function apiEnvValue(
  config: FunctionsConfig,
  name: 'API_RATE_LIMIT_PER_KEY' | 'API_RATE_LIMIT_PER_CONTACT' | 'WEBHOOK_RETRIES' | 'WEBHOOK_RETRY_DELAY',
): string | undefined {
  return config[name];
}
