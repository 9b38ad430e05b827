import type { Context } from 'hono';
import { ApiError } from '../errors.ts';
import type { V1Env } from './env.ts';
import { abandonIdempotent, beginIdempotent, finishIdempotent, requestFingerprint } from './idempotency.ts';
import { idempotentWaMessageId } from './send-message.ts';

export type Accepted = { id: string; conversationId: string; status: 'queued' };

/**
 * Runs a message-sending request (answered 202 with `Accepted`) once per Idempotency-Key: a retry with the same key and body answers
 * what the first answered (`Idempotent-Replayed: true`), the same key with another body is a 409, and
 * a key still in use a 409 with Retry-After. `send` gets the WhatsApp id derived from the key, so even
 * a retry that runs again stores and sends the same message. Without a key, `send` simply runs.
 */
export async function sendIdempotently<T = Accepted>(
  c: Context<V1Env>,
  path: string,
  body: unknown,
  idempotencyKey: string | undefined,
  send: (waMessageId: string | undefined) => Promise<T>,
  /** The status the route answers with (a send that finishes before the answer is a 200). */
  status = 202,
): Promise<T> {
  const s = c.get('services');
  const scope = idempotencyKey ? { apiKeyId: c.get('apiKey').id, key: idempotencyKey } : undefined;
  if (scope) {
    const begun = await beginIdempotent(s.db, scope, await requestFingerprint('POST', path, body));
    if (begun.kind === 'replay') {
      c.header('Idempotent-Replayed', 'true');
      return begun.body as T;
    }
    if (begun.kind === 'mismatch') {
      throw new ApiError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request body.');
    }
    if (begun.kind === 'in_progress') {
      throw new ApiError('IDEMPOTENCY_KEY_IN_USE', 'A request with this Idempotency-Key is still being processed; retry shortly.', {
        'Retry-After': '1',
      });
    }
  }
  try {
    const accepted = await send(scope ? await idempotentWaMessageId(scope.apiKeyId, scope.key) : undefined);
    if (scope) await finishIdempotent(s.db, scope, status, accepted);
    return accepted;
  } catch (err) {
    // Nothing to replay: let a retry with the same key do the work again.
    if (scope) await abandonIdempotent(s.db, scope).catch(() => {});
    throw err;
  }
}
