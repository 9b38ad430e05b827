/**
 * Everything but /health accepts only requests signed like QStash: the `Upstash-Signature` JWT,
 * verified on the raw body with the real Receiver (current key, then next). The URL claim is not
 * compared because the host may sit behind a proxy that rewrites it.
 */
import { Receiver } from '@upstash/qstash';
import type { MiddlewareHandler } from 'hono';
import { HostError, renderHostError } from './http-errors.ts';

export type SigningKeys = { current: string; next: string };

export function requireQStashSignature(keys: SigningKeys): MiddlewareHandler {
  // devMode false: never fall back to keys from QSTASH_DEV or other environment variables.
  const receiver = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next, devMode: false });
  return async (c, next) => {
    const signature = c.req.header('upstash-signature');
    if (!signature) {
      return renderHostError(c, new HostError('UNAUTHORIZED', 'The Upstash-Signature header is missing.'));
    }
    // Hono caches the text, so the handler can still read the same body as JSON afterwards.
    const body = await c.req.text();
    const valid = await receiver.verify({ signature, body }).catch(() => false);
    if (!valid) {
      return renderHostError(c, new HostError('UNAUTHORIZED', 'The Upstash-Signature is invalid or expired.'));
    }
    await next();
  };
}
