import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/**
 * The API's own variables (API_RATE_LIMIT_*, WEBHOOK_RETR*): from the validated config when its schema
 * carries them, else from the process environment (Node, Vercel, `npm run dev`). Each reader validates
 * its value and names the variable when it is malformed.
 */
export function apiEnvValue(config: FunctionsConfig, name: string): string | undefined {
  const fromConfig = (config as unknown as Record<string, unknown>)[name];
  if (typeof fromConfig === 'string' && fromConfig.trim() !== '') return fromConfig;
  const fromProcess = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return fromProcess && fromProcess.trim() !== '' ? fromProcess : undefined;
}
