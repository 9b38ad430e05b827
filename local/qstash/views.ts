/** JSON shapes of messages and DLQ entries as QStash's REST API returns them (see the SDK's Message/DlqMessage). */
import type { DlqEntry, StoredMessage } from './store.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function headerView(headers: [string, string][]): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [name, value] of headers) (record[name] ??= []).push(value);
  return record;
}

/** QStash returns `body` when it is valid UTF-8 and `bodyBase64` otherwise. */
function bodyView(bodyBase64: string): { body: string } | { bodyBase64: string } {
  try {
    return { body: strictUtf8.decode(Buffer.from(bodyBase64, 'base64')) };
  } catch {
    return { bodyBase64 };
  }
}

export function messageView(message: StoredMessage) {
  return {
    messageId: message.messageId,
    url: message.url,
    method: message.method,
    header: headerView(message.headers),
    ...bodyView(message.bodyBase64),
    maxRetries: message.maxRetries,
    retried: message.retried,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    ...(message.retryDelay !== undefined && { retryDelayExpression: message.retryDelay }),
    ...(message.timeoutMs !== undefined && { timeout: Math.round(message.timeoutMs / 1000) }),
    ...(message.queueName !== undefined && { queueName: message.queueName }),
    ...(message.callback !== undefined && { callback: message.callback }),
    ...(message.failureCallback !== undefined && { failureCallback: message.failureCallback }),
    ...labelView(message.label),
    ...(message.flowControl && {
      flowControlKey: message.flowControl.key,
      ...(message.flowControl.parallelism !== undefined && { parallelism: message.flowControl.parallelism }),
      ...(message.flowControl.rate !== undefined && { rate: message.flowControl.rate }),
      period: Math.round(message.flowControl.periodMs / 1000),
    }),
  };
}

/** The labels of a comma-separated `Upstash-Label`; empty parts are not labels. */
export function labelsOf(label: string | undefined): string[] {
  return (label ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** `labels` lists them all; the deprecated `label` holds only the first, as in QStash. */
function labelView(label: string | undefined): { label?: string; labels?: string[] } {
  const labels = labelsOf(label);
  return labels.length === 0 ? {} : { label: labels[0]!, labels };
}

export function dlqView(entry: DlqEntry) {
  return {
    ...messageView(entry.message),
    dlqId: entry.dlqId,
    ...(entry.responseStatus !== undefined && { responseStatus: entry.responseStatus }),
    ...(entry.responseHeader !== undefined && { responseHeader: entry.responseHeader }),
    ...(entry.responseBody !== undefined && { responseBody: entry.responseBody }),
    // Not in QStash's API: why an attempt without an HTTP response failed (timeout, refused, …).
    ...(entry.error !== undefined && { error: entry.error }),
  };
}
