import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ConfigError } from '../shared/config/parse-env.ts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { HonoEnv } from './hono-env.ts';
import { reportToSentry } from './sentry/report.ts';

export { ApiError, ERROR_STATUS, errorBody, type ErrorCode, type FieldProblem } from '../shared/api-error.ts';
import { ApiError, ERROR_STATUS, errorBody, type ErrorCode } from '../shared/api-error.ts';

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
  if (err instanceof ConfigError) {
    // Workers validate their bindings on the first request: say which variables, never their values.
    console.error(`ia_agent: ${err.message}`);
    return c.json(errorBody('UNAVAILABLE', `The service is not configured yet. ${err.message}`, requestId), 503);
  }
  c.get('log')?.error({ err: String(err), stack: (err as Error)?.stack, requestId }, 'unhandled error');
  reportToSentry(c, c.req.path.startsWith('/hooks/') ? 'failed_hook' : 'unexpected_error', { error: err });
  return c.json(errorBody('INTERNAL', 'Something went wrong on our side; it was logged.', requestId), 500);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 400) return 'BAD_REQUEST';
  const found = (Object.entries(ERROR_STATUS) as [ErrorCode, number][]).find(([, s]) => s === status);
  return found ? found[0] : 'BAD_REQUEST';
}
