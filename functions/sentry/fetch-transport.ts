import { createTransport, type BaseTransportOptions, type Transport } from '@sentry/core';

/**
 * Sends envelopes with the runtime's fetch, which Workers, Vercel and Node 18+ all have; the same
 * shape as Sentry's own Cloudflare and edge transports, rate-limit headers passed back to the SDK.
 */
export function makeFetchTransport(options: BaseTransportOptions): Transport {
  return createTransport(options, async (request) => {
    const res = await fetch(options.url, { method: 'POST', body: request.body as BodyInit, headers: options.headers });
    return {
      statusCode: res.status,
      headers: { 'x-sentry-rate-limits': res.headers.get('x-sentry-rate-limits'), 'retry-after': res.headers.get('retry-after') },
    };
  });
}
