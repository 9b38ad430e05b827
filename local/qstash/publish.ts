/** Turns a publish request (destination, `Upstash-*` headers, body) into a message, or a 4xx reason. */
import { createHash } from 'node:crypto';
import { parseDuration } from './durations.ts';
import { parseFlowControl } from './flow-control.ts';
import { PLANS, type QStashPlan } from './plan.ts';
import { compileRetryDelay } from './retry-expression.ts';
import type { StoredMessage } from './store.ts';

export const DEFAULT_RETRIES = 3;
const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

export interface PublishInput {
  destination: string;
  headers: Headers;
  body: Uint8Array;
  queueName?: string;
}

export type NewMessage = Omit<StoredMessage, 'messageId' | 'seq'>;

export type ParsedPublish =
  | { ok: true; message: NewMessage; dedupKey?: string }
  | { ok: false; status: PublishRefusal; error: string };

/** 400 malformed, 412 over a limit of the plan (QStash's answer to plan limits), 413 too large. */
export type PublishRefusal = 400 | 412 | 413;

/** The destination as it appears after `/v2/publish/`: a raw URL, or a percent-encoded one. */
export function normalizeDestination(raw: string): string {
  return /^https?%3A/i.test(raw) ? decodeURIComponent(raw) : raw;
}

function fail(error: string, status: PublishRefusal = 400): ParsedPublish {
  return { ok: false, status, error };
}

export function parsePublish(input: PublishInput, now: number, plan: QStashPlan = PLANS.free): ParsedPublish {
  const url = normalizeDestination(input.destination);
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return fail(`invalid destination: ${url || '(empty)'}; only http(s) URLs are supported here (no URL groups or APIs)`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
    return fail(`invalid destination scheme ${parsedUrl.protocol} in ${url}`);
  }
  if (input.body.byteLength > plan.maxMessageBytes) {
    return fail(`message size ${input.body.byteLength} exceeds the ${plan.name} plan's limit of ${plan.maxMessageBytes} bytes`, 413);
  }

  const h = input.headers;
  const forwarded: [string, string][] = [];
  const contentType = h.get('content-type');
  if (contentType !== null) forwarded.push(['Content-Type', contentType]);
  h.forEach((value, name) => {
    if (name.startsWith('upstash-forward-') && name.length > 'upstash-forward-'.length) {
      forwarded.push([name.slice('upstash-forward-'.length), value]);
    }
  });

  const method = (h.get('upstash-method') ?? 'POST').toUpperCase();
  if (!METHODS.has(method)) return fail(`invalid Upstash-Method: ${method}`);

  let notBefore = now;
  const notBeforeHeader = h.get('upstash-not-before');
  const delayHeader = h.get('upstash-delay');
  if (notBeforeHeader !== null) {
    // Not-Before wins over Delay, as in QStash.
    if (!/^\d+$/.test(notBeforeHeader.trim())) return fail(`invalid Upstash-Not-Before: ${notBeforeHeader}`);
    notBefore = Number(notBeforeHeader.trim()) * 1000;
  } else if (delayHeader !== null) {
    const delay = parseDuration(delayHeader);
    if (delay === undefined) return fail(`invalid Upstash-Delay: ${delayHeader} (use e.g. 50s, 2m, 1d10h30m)`);
    notBefore = now + delay;
  }

  let maxRetries = DEFAULT_RETRIES;
  const retriesHeader = h.get('upstash-retries');
  if (retriesHeader !== null) {
    if (!/^\d+$/.test(retriesHeader.trim())) return fail(`invalid Upstash-Retries: ${retriesHeader} (a whole number)`);
    maxRetries = Number(retriesHeader);
    if (maxRetries > plan.maxRetries) {
      return fail(`Upstash-Retries ${maxRetries} exceeds the ${plan.name} plan's maximum of ${plan.maxRetries} retries`, 412);
    }
  }

  const flowControl = parseFlowControl(h.get('upstash-flow-control-key'), h.get('upstash-flow-control-value'));
  if (flowControl && 'error' in flowControl) return fail(flowControl.error);
  if (flowControl?.parallelism !== undefined && flowControl.parallelism > plan.maxFlowControlParallelism) {
    return fail(
      `flow control parallelism ${flowControl.parallelism} exceeds the ${plan.name} plan's maximum of ${plan.maxFlowControlParallelism}`,
      412,
    );
  }

  const retryDelay = h.get('upstash-retry-delay') ?? undefined;
  if (retryDelay !== undefined) {
    try {
      compileRetryDelay(retryDelay);
    } catch (error) {
      return fail(`invalid Upstash-Retry-Delay: ${(error as Error).message}`);
    }
  }

  let timeoutMs: number | undefined;
  const timeoutHeader = h.get('upstash-timeout');
  if (timeoutHeader !== null) {
    timeoutMs = parseDuration(timeoutHeader);
    if (!timeoutMs) return fail(`invalid Upstash-Timeout: ${timeoutHeader} (use e.g. 5s)`);
  }

  const bodyBase64 = Buffer.from(input.body).toString('base64');
  const message: NewMessage = {
    url,
    method,
    headers: forwarded,
    bodyBase64,
    createdAt: now,
    notBefore,
    dueAt: notBefore,
    retried: 0,
    maxRetries,
    started: false,
    ...(retryDelay !== undefined && { retryDelay }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(input.queueName !== undefined && { queueName: input.queueName }),
    ...optional('callback', h.get('upstash-callback')),
    ...optional('failureCallback', h.get('upstash-failure-callback')),
    ...optional('label', h.get('upstash-label')),
    ...(flowControl && { flowControl }),
  };

  const dedupId = h.get('upstash-deduplication-id');
  if (dedupId !== null && dedupId !== '') return { ok: true, message, dedupKey: `id:${dedupId}` };
  if (h.get('upstash-content-based-deduplication')?.toLowerCase() === 'true') {
    const sortedHeaders = [...forwarded].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const digest = createHash('sha256').update(JSON.stringify([url, sortedHeaders, bodyBase64])).digest('hex');
    return { ok: true, message, dedupKey: `content:${digest}` };
  }
  return { ok: true, message };
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value === null ? {} : ({ [key]: value } as Record<K, string>);
}
