import { describe, expect, it } from 'vitest';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';

describe('RETENTION_DAYS', () => {
  it('is optional: unset (or blank) means data is kept forever', () => {
    expect(loadFunctionsConfig({ MODE: 'local' }).RETENTION_DAYS).toBeUndefined();
    expect(loadFunctionsConfig({ MODE: 'local', RETENTION_DAYS: ' ' }).RETENTION_DAYS).toBeUndefined();
  });

  it('is a whole number of days', () => {
    expect(loadFunctionsConfig({ MODE: 'local', RETENTION_DAYS: '1' }).RETENTION_DAYS).toBe(1);
    expect(loadFunctionsConfig({ MODE: 'local', RETENTION_DAYS: '365' }).RETENTION_DAYS).toBe(365);
  });

  it.each(['0', 'x', '1.5', '-3', '30d'])('refuses %j with a sentence naming the variable', (value) => {
    expect(() => loadFunctionsConfig({ MODE: 'local', RETENTION_DAYS: value })).toThrow(
      /RETENTION_DAYS must be a whole number of days, at least 1/,
    );
  });
});
