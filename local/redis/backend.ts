/**
 * The one small interface both engines (a real Redis through ioredis, the embedded ioredis-mock)
 * sit behind, plus the reply shaping they share. The HTTP layer only ever sees this.
 */

/** What one command in a pipeline or transaction produced. */
export type Outcome = { result: unknown } | { error: string };

export interface RedisBackend {
  readonly kind: 'redis' | 'embedded';
  /** Runs one command; rejects with RedisCommandError when Redis answers with an error. */
  exec(args: string[]): Promise<unknown>;
  /** Runs commands in order, not atomically; one failing does not stop the others. */
  pipeline(commands: string[][]): Promise<Outcome[]>;
  /** Runs commands atomically; rejects with RedisCommandError if the transaction is discarded. */
  multi(commands: string[][]): Promise<Outcome[]>;
  close(): Promise<void>;
}

/**
 * An error reply from Redis (or one Redis would give). Its message goes to the client unchanged,
 * because callers match on it: @upstash/ratelimit looks for "NOSCRIPT" to fall back to EVAL.
 */
export class RedisCommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisCommandError';
  }
}

/** Redis error replies start with an upper-case code ("ERR", "WRONGTYPE", "NOSCRIPT"...). */
export function withErrorCode(message: string): string {
  return /^[A-Z][A-Z_-]+ /.test(message) ? message : `ERR ${message}`;
}

/**
 * Turns whatever a client library handed back into what the REST protocol can carry: null,
 * integers, strings and arrays. Never an object, because the Upstash SDK decodes objects to null:
 * ioredis and ioredis-mock turn HGETALL into a plain object, so maps are flattened back to the
 * RESP2 shape [field, value, field, value...].
 */
export function toRestValue(value: unknown): unknown {
  if (value === null || value === undefined || value === false) return null;
  if (value === true) return 1;
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Error) return value.message; // an error nested in an array reply
  if (Array.isArray(value)) return value.map(toRestValue);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return entries.flatMap(([field, fieldValue]) => [toRestValue(field), toRestValue(fieldValue)]);
}
