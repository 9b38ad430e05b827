import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * The contract's error envelope, shared by the functions and the socket-host:
 * `{"error":{"code","message","requestId","details"?}}` with one HTTP status per code.
 */
/** The contract's error codes; each maps to one HTTP status. */
export const ERROR_STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** A WhatsApp number asked for a QR or pairing code while a phone is linked to it. */
  ALREADY_LINKED: 409,
  /** No QR code in the session's current state (the message names it). */
  NO_QR_CODE: 409,
  /** A WhatsApp call (read, react, look up…) for a number that is not connected right now (the message says its state). */
  SESSION_NOT_OPEN: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_KEY_IN_USE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  /** The functions cannot reach the socket-host. */
  SOCKET_HOST_UNREACHABLE: 503,
  /** The socket-host cannot reach WhatsApp's servers (Retry-After: its next attempt). */
  WHATSAPP_UNREACHABLE: 503,
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
