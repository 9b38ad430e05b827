/** One delivery attempt of a message to its destination, signed like QStash signs it. */
import { parseRetryAfter } from './durations.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import type { StoredMessage } from './store.ts';

const MAX_RESPONSE_BODY_CHARS = 64 * 1024;

export interface AttemptResult {
  outcome: 'delivered' | 'failed' | 'non-retryable';
  status?: number;
  responseHeader?: Record<string, string[]>;
  responseBody?: string;
  /** From the destination's `Retry-After`; replaces the backoff for the next retry. */
  retryAfterMs?: number;
  error?: string;
}

export interface DeliverContext {
  fetch: typeof fetch;
  signingKey: string;
  /** The plan's Max HTTP Response Duration; `Upstash-Timeout` lowers it per message. */
  maxResponseMs: number;
}

function headerRecord(headers: Headers): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    (record[name] ??= []).push(value);
  });
  return record;
}

export async function deliverOnce(message: StoredMessage, context: DeliverContext): Promise<AttemptResult> {
  // fetch() refuses a body on GET/HEAD, so such messages are sent (and signed) without one.
  const sendsBody = message.method !== 'GET' && message.method !== 'HEAD';
  const body = sendsBody ? new Uint8Array(Buffer.from(message.bodyBase64, 'base64')) : new Uint8Array();
  const headers = new Headers(message.headers);
  headers.set('Upstash-Signature', await signQStashJwt({ signingKey: context.signingKey, url: message.url, body }));
  headers.set('Upstash-Message-Id', message.messageId);
  headers.set('Upstash-Retried', String(message.retried));
  headers.set('User-Agent', 'Upstash-QStash');

  try {
    const response = await context.fetch(message.url, {
      method: message.method,
      headers,
      body: sendsBody ? body : undefined,
      signal: AbortSignal.timeout(Math.min(message.timeoutMs ?? context.maxResponseMs, context.maxResponseMs)),
    });
    // Reading the body also releases the connection; it is kept for the DLQ view.
    const responseBody = (await response.text()).slice(0, MAX_RESPONSE_BODY_CHARS);
    const result = {
      status: response.status,
      responseHeader: headerRecord(response.headers),
      responseBody,
    };
    if (response.status >= 200 && response.status < 300) return { outcome: 'delivered', ...result };
    // QStash's opt-out of retries: 489 plus this header sends the message straight to the DLQ.
    if (response.status === 489 && response.headers.get('Upstash-NonRetryable-Error')?.toLowerCase() === 'true') {
      return { outcome: 'non-retryable', ...result };
    }
    return {
      outcome: 'failed',
      retryAfterMs: parseRetryAfter(response.headers.get('Retry-After'), Date.now()),
      ...result,
    };
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? 'timeout' : error.message) : String(error);
    return { outcome: 'failed', error: reason };
  }
}
