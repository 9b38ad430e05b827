import { describe, expect, it } from 'vitest';
import { loadFunctionsConfig } from './functions-config.ts';
import { ConfigError } from './parse-env.ts';
import { pricesOf } from './prices.ts';

const refusal = (env: Record<string, string>) => {
  try {
    loadFunctionsConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('the PRICE_* variables', () => {
  it('default to the services’ pay-as-you-go rates, the model at 0, in USD', () => {
    expect(pricesOf(loadFunctionsConfig({}))).toEqual({
      currency: 'USD',
      modelInputPerMTok: 0,
      modelOutputPerMTok: 0,
      qstashPer100k: 1,
      redisPer100k: 0.2,
      workersPerMillion: 0.3,
    });
  });

  it('take decimal prices and a currency code', () => {
    const config = loadFunctionsConfig({ PRICE_CURRENCY: 'BRL', PRICE_MODEL_INPUT_PER_MTOK: '0.15', PRICE_MODEL_OUTPUT_PER_MTOK: '0.6', PRICE_QSTASH_PER_100K: '0', PRICE_REDIS_PER_100K: '1.1', PRICE_WORKERS_PER_MILLION: '2' });
    expect(pricesOf(config)).toEqual({ currency: 'BRL', modelInputPerMTok: 0.15, modelOutputPerMTok: 0.6, qstashPer100k: 0, redisPer100k: 1.1, workersPerMillion: 2 });
  });

  it('refuses a negative or non-numeric price, and a currency that is not a code, naming each variable', () => {
    const message = refusal({ PRICE_MODEL_INPUT_PER_MTOK: '-0.5', PRICE_MODEL_OUTPUT_PER_MTOK: 'cheap', PRICE_REDIS_PER_100K: '$0.20', PRICE_QSTASH_PER_100K: '1e3', PRICE_CURRENCY: 'dollars' });
    const price = 'must be a price: a decimal number of at least 0, such as 0.15 (no currency sign)';
    for (const name of ['PRICE_MODEL_INPUT_PER_MTOK', 'PRICE_MODEL_OUTPUT_PER_MTOK', 'PRICE_REDIS_PER_100K', 'PRICE_QSTASH_PER_100K']) expect(message).toContain(`${name} ${price}`);
    expect(message).toContain('PRICE_CURRENCY must be a three-letter currency code such as USD, EUR or BRL');
    expect(message).not.toContain('PRICE_WORKERS_PER_MILLION');
  });
});
