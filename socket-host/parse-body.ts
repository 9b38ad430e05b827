import type { Context } from 'hono';
import type { z } from 'zod';
import { HostError } from './http-errors.ts';

/** A signed request's JSON body, validated: a 400 in the contract's envelope names each bad field. */
export async function parseBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    throw new HostError('BAD_REQUEST', 'The body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`);
    throw new HostError('VALIDATION_FAILED', `Invalid request: ${problems.join('; ')}.`);
  }
  return parsed.data;
}
