import type { Context } from 'hono';
import type {} from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** The contract's error codes this host answers with (same envelope as the functions). */
const STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type HostErrorCode = keyof typeof STATUS;

/** An error a caller may see: a code and one human sentence, never a stack. */
export class HostError extends Error {
  override name = 'HostError';
  readonly code: HostErrorCode;
  constructor(code: HostErrorCode, message: string) {
    super(message);
    this.code = code;
  }
  get status(): ContentfulStatusCode {
    return STATUS[this.code];
  }
}

export function renderHostError(c: Context, err: HostError): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  return c.json({ error: { code: err.code, message: err.message, requestId } }, err.status);
}
