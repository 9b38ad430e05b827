import type { Context } from 'hono';
import type {} from 'hono/request-id';

/** The same errors and envelope as the functions (shared/api-error.ts). */
export { ApiError as HostError, type ErrorCode as HostErrorCode } from '../shared/api-error.ts';
import { errorBody, type ApiError } from '../shared/api-error.ts';

export function renderHostError(c: Context, err: ApiError): Response {
  return c.json(errorBody(err.code, err.message, c.get('requestId') ?? 'unknown'), err.status, err.headers);
}
