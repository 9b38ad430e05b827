/** What a failed attempt leads to: the wait before the next retry, or the DLQ record. */
import type { AttemptResult } from './deliver.ts';
import { ONE_DAY_MS } from './durations.ts';
import { randomId } from './ids.ts';
import { compileRetryDelay } from './retry-expression.ts';
import type { DlqEntry, StoredMessage } from './store.ts';

/**
 * Precedence as in QStash: the destination's `Retry-After`, then the message's own
 * `Upstash-Retry-Delay` expression, then the backoff. Always within [0, 1 day].
 */
export function retryDelayMs(message: StoredMessage, result: AttemptResult, backoff: (retried: number) => number): number {
  if (result.retryAfterMs !== undefined) return result.retryAfterMs;
  let delay: number;
  try {
    delay = message.retryDelay ? compileRetryDelay(message.retryDelay)(message.retried) : backoff(message.retried);
  } catch {
    // Validated at publish time, so only a hand-edited state file gets here.
    delay = backoff(message.retried);
  }
  return Number.isFinite(delay) ? Math.min(Math.max(0, delay), ONE_DAY_MS) : ONE_DAY_MS;
}

export function dlqEntry(message: StoredMessage, result: AttemptResult): DlqEntry {
  return {
    dlqId: randomId('dlq_'),
    message,
    failedAt: Date.now(),
    ...(result.status !== undefined && { responseStatus: result.status }),
    ...(result.responseHeader && { responseHeader: result.responseHeader }),
    ...(result.responseBody !== undefined && { responseBody: result.responseBody }),
    ...(result.error !== undefined && { error: result.error }),
  };
}
