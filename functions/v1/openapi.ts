import type { z } from '@hono/zod-openapi';
import { ErrorSchema } from './schemas.ts';

/** Small builders so each route's definition reads as what it is; every /v1 answer is JSON. */

const rateLimitHeaders = {
  'RateLimit-Limit': { description: 'Requests allowed in the window.', schema: { type: 'integer' } },
  'RateLimit-Remaining': { description: 'Requests left in the window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
} as const;

export function jsonBody<S extends z.ZodType>(schema: S, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

export function ok<S extends z.ZodType>(schema: S, description: string) {
  return { description, headers: rateLimitHeaders, content: { 'application/json': { schema } } };
}

export const noContent = { description: 'Done; no body.', headers: rateLimitHeaders } as const;

const ERROR_DESCRIPTIONS = {
  400: 'Malformed JSON or an invalid field (named in the message and `details`).',
  401: 'No API key, an unknown one, or a revoked one.',
  403: 'The API key lacks the scope this operation needs.',
  404: 'No such resource.',
  409: 'Conflicts with the current state (the message says how).',
  413: 'The body is larger than 256 KiB, or a file (`media`) larger than MEDIA_MAX_BYTES (the message says which limit).',
  415: 'The body is not sent as application/json.',
  429: 'Rate limited: retry after `Retry-After` seconds.',
  503: 'Something we depend on cannot be reached right now (the code and message say what: `SOCKET_HOST_UNREACHABLE`, `WHATSAPP_UNREACHABLE`…); retry later, after `Retry-After` seconds when given.',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error answers of a route, all in the contract's envelope; 401 and 429 are always possible. */
export function errors<const S extends readonly ErrorStatus[]>(...statuses: S) {
  const all = [...new Set<ErrorStatus>([...statuses, 401, 429])].sort();
  return Object.fromEntries(
    all.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status],
        ...(status === 429
          ? { headers: { ...rateLimitHeaders, 'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer' } } } }
          : {}),
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  ) as { [K in S[number] | 401 | 429]: { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } } };
}
