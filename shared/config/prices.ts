import { z } from 'zod';

/**
 * A unit price in the configured currency: a plain decimal number, zero or more ("0.15", "1", "0").
 * Written out so that "1e3", "0x10", "Infinity" or "$1" are refused rather than read as something else.
 */
const price = (fallback: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a price: a decimal number of at least 0, such as 0.15 (no currency sign)')
    .transform(Number)
    .default(fallback);

/**
 * What /v1/usage prices the counted usage at (functions/usage/cost.ts). The services' defaults are
 * their pay-as-you-go rates (2026, research notes), charged only beyond each free tier; the model's
 * default is 0, as its price depends on the provider and model chosen.
 */
export const PRICE_VARIABLES = {
  /** ISO 4217 code the prices below are in; only a label, nothing is converted. */
  PRICE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter currency code such as USD, EUR or BRL')
    .default('USD'),
  /** The chat model's price per million input (prompt) tokens. */
  PRICE_MODEL_INPUT_PER_MTOK: price(0),
  /** The chat model's price per million output (completion) tokens. */
  PRICE_MODEL_OUTPUT_PER_MTOK: price(0),
  /** QStash messages beyond the free 1,000 a day, per 100,000. */
  PRICE_QSTASH_PER_100K: price(1),
  /** Upstash Redis commands beyond the free 500,000 a month, per 100,000. */
  PRICE_REDIS_PER_100K: price(0.2),
  /** Function requests beyond the free 100,000 a day (Workers), per million. */
  PRICE_WORKERS_PER_MILLION: price(0.3),
};

export type Prices = {
  currency: string;
  modelInputPerMTok: number;
  modelOutputPerMTok: number;
  qstashPer100k: number;
  redisPer100k: number;
  workersPerMillion: number;
};

type PriceConfig = { [K in keyof typeof PRICE_VARIABLES]: z.output<(typeof PRICE_VARIABLES)[K]> };

/** The parsed variables as the cost math reads them. */
export function pricesOf(config: PriceConfig): Prices {
  return {
    currency: config.PRICE_CURRENCY,
    modelInputPerMTok: config.PRICE_MODEL_INPUT_PER_MTOK,
    modelOutputPerMTok: config.PRICE_MODEL_OUTPUT_PER_MTOK,
    qstashPer100k: config.PRICE_QSTASH_PER_100K,
    redisPer100k: config.PRICE_REDIS_PER_100K,
    workersPerMillion: config.PRICE_WORKERS_PER_MILLION,
  };
}

/** The prices with none of the variables set. */
export const DEFAULT_PRICES: Prices = pricesOf(z.object(PRICE_VARIABLES).parse({}));
