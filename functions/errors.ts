import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HonoEnv } from './hono-env.ts';

/** The contract's error codes; each maps to one HTTP status. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One invalid field of a request: `field` is its path (`rules.2.pattern`), `message` what is wrong. */
export type FieldProblem = { field: string; message: string };

/** An error a client may see: a code, a human sentence, optional headers (Retry-After…) and field problems. */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  readonly details: FieldProblem[] | undefined;
  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}, details?: FieldProblem[]) {
    super(message);
    this.code = code;
    this.headers = headers;
    this.details = details;
  }
  get status(): ContentfulStatusCode {
    return ERROR_STATUS[this.code];
  }
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: FieldProblem[]) {
  return { error: { code, message, requestId, ...(details?.length ? { details } : {}) } };
}

/** Clearer sentences than the framework's for the errors it raises itself. */
const FRAMEWORK_MESSAGES: Partial<Record<number, string>> = {
  413: 'The request body is too large.',
  415: 'Unsupported Content-Type: send the body as JSON with Content-Type: application/json.',
};

/** Renders the contract's envelope for every error; never HTML, never a stack trace. */
export function renderError(err: unknown, c: Context<HonoEnv>): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, requestId, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code = codeForStatus(err.status);
    const malformedJson = err.status === 400 && /json/i.test(err.message);
    const message = malformedJson ? 'The request body is not valid JSON.' : (FRAMEWORK_MESSAGES[err.status] ?? (err.message || code));
    return c.json(errorBody(code, message, requestId), err.status as ContentfulStatusCode);
  }
  c.get('log')?.error({ err: String(err), stack: (err as Error)?.stack, requestId }, 'unhandled error');
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side; it was logged.', requestId), 500);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  const found = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found ? found[0] : 'BAD_REQUEST';
}
