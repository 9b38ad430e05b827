import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.ts';
import type { HonoEnv } from './hono-env.ts';
import { describeBytes } from './media/outbound-media.ts';

/** Every request body but the ones that may carry a file. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/** The routes whose body may carry a file: as base64 in JSON (`media.data`), or a PDF for the knowledge base. */
const MEDIA_ROUTES: RegExp[] = [/^\/v1\/knowledge\/?$/, /^\/v1\/messages\/?$/, /^\/v1\/conversations\/[^/]+\/messages\/?$/, /^\/playground\/messages\/?$/];

/** Whether a request's body may carry a file, and so gets the larger limit. */
export function mayCarryFile(method: string, path: string): boolean {
  return method === 'POST' && MEDIA_ROUTES.some((r) => r.test(path));
}

/** A file of `maxBytes` as base64 (4 characters per 3 bytes) plus room for the rest of the JSON. */
export function mediaBodyLimit(maxBytes: number): number {
  return Math.ceil(maxBytes / 3) * 4 + 64 * 1024;
}


function limit(maxSize: number, what: string): MiddlewareHandler<HonoEnv> {
  return bodyLimit({
    maxSize,
    onError: () => {
      // The rest of the body is never read, so the connection cannot carry another request.
      throw new ApiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${what}.`, { Connection: 'close' });
    },
  });
}

/**
 * The body limit of each request: 256 KiB, except a POST that may carry a file, whose limit follows
 * MEDIA_MAX_BYTES (the file itself is then checked against MEDIA_MAX_BYTES by the route, which names
 * the field). Built once per configured size.
 */
export function bodyLimits(): MiddlewareHandler<HonoEnv> {
  const small = limit(BODY_LIMIT_BYTES, describeBytes(BODY_LIMIT_BYTES));
  let media: { maxBytes: number; handler: MiddlewareHandler<HonoEnv> } | undefined;
  return async (c, next) => {
    if (!mayCarryFile(c.req.method, c.req.path)) return small(c, next);
    const maxBytes = c.get('services').config.MEDIA_MAX_BYTES;
    if (media?.maxBytes !== maxBytes) {
      media = { maxBytes, handler: limit(mediaBodyLimit(maxBytes), `a ${describeBytes(maxBytes)} file (MEDIA_MAX_BYTES) as base64`) };
    }
    return media.handler(c, next);
  };
}
