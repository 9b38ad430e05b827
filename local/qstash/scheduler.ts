/**
 * Decides what to deliver and when: one timer armed for the earliest due message (no polling),
 * a global cap on concurrent deliveries, FIFO queues with per-queue parallelism, retries with
 * backoff, and the move to the DLQ. Every state change is persisted through `persist`.
 */
import { dlqEntry, retryDelayMs } from './attempt-outcome.ts';
import type { DailyQuota } from './daily-quota.ts';
import type { AttemptResult } from './deliver.ts';
import { createFlowLimiter } from './flow-control.ts';
import { randomId } from './ids.ts';
import type { NewMessage } from './publish.ts';
import type { State, StoredMessage } from './store.ts';

export const DEDUP_WINDOW_MS = 10 * 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1; // setTimeout's limit; longer waits just re-arm.
const RECENT_LIMIT = 10_000;

export type MessageState = 'CREATED' | 'RETRY' | 'ACTIVE' | 'DELIVERED' | 'FAILED' | 'CANCELED';

export interface Stats {
  published: number;
  deliveries: number;
  failedDeliveries: number;
}

export interface SchedulerOptions {
  state: State;
  persist: () => Promise<void>;
  deliver: (message: StoredMessage) => Promise<AttemptResult>;
  retryDelayMs: (retried: number) => number;
  log: (line: string) => void;
  stats: Stats;
  maxConcurrent: number;
  /** Counts every attempt against the plan's daily messages. */
  quota: DailyQuota;
}

export interface PublishResult {
  messageId: string;
  url: string;
  deduplicated?: true;
}

export type Scheduler = ReturnType<typeof createScheduler>;

export function createScheduler(options: SchedulerOptions) {
  const { state, log, stats } = options;
  const inFlight = new Map<string, Promise<void>>();
  // Outcomes of finished messages, for GET /v2/messages/{id}; in memory only and bounded.
  const recent = new Map<string, MessageState>();
  let idleWaiters: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let runQueued = false;
  let closed = false;
  let acceptsSinceSweep = 0;
  let closing: Promise<void> | undefined;
  const flows = createFlowLimiter();
  // Reloaded messages configure their keys in publish order, so the newest values win as before.
  for (const message of state.messages.values()) if (message.flowControl) flows.configure(message.flowControl);

  const remember = (messageId: string, outcome: MessageState): void => {
    recent.set(messageId, outcome);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  };

  const persistInBackground = (): void => {
    options.persist().catch((error: unknown) => log(`qstash: could not save state: ${String(error)}`));
  };

  const settleIdle = (): void => {
    if (state.messages.size > 0 || inFlight.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  /** Coalesces the many triggers of one tick (publishes, completions) into a single scan. */
  const kick = (): void => {
    if (runQueued || closed) return;
    runQueued = true;
    setImmediate(run);
  };

  function run(): void {
    runQueued = false;
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    const now = Date.now();
    const slotsUsed = new Map<string, number>();
    for (const message of state.messages.values()) {
      if (message.queueName && message.started) {
        slotsUsed.set(message.queueName, (slotsUsed.get(message.queueName) ?? 0) + 1);
      }
    }
    const blockedQueues = new Set<string>();
    let nextWake = Number.POSITIVE_INFINITY;
    // Map order is publish order, which is what makes queues FIFO.
    for (const message of state.messages.values()) {
      if (inFlight.has(message.messageId)) continue;
      const queueName = message.queueName;
      const takesQueueSlot = queueName !== undefined && !message.started;
      if (takesQueueSlot) {
        if (blockedQueues.has(queueName)) continue;
        const queue = state.queues.get(queueName);
        const used = slotsUsed.get(queueName) ?? 0;
        if (queue?.paused || used >= (queue?.parallelism ?? 1) || message.dueAt > now) {
          // The head of the queue waits, so everything behind it waits too.
          blockedQueues.add(queueName);
          if (!queue?.paused && used < (queue?.parallelism ?? 1)) nextWake = Math.min(nextWake, message.dueAt);
          continue;
        }
      } else if (message.dueAt > now) {
        nextWake = Math.min(nextWake, message.dueAt);
        continue;
      }
      if (message.flowControl) {
        // At parallelism (Infinity) a finishing delivery kicks a new scan; a full rate window wakes the timer.
        const wait = flows.wait(message.flowControl.key, now);
        if (wait > 0) {
          if (Number.isFinite(wait)) nextWake = Math.min(nextWake, now + wait);
          if (takesQueueSlot) blockedQueues.add(queueName);
          continue;
        }
      }
      // Saturated: each finishing delivery kicks another scan.
      if (inFlight.size >= options.maxConcurrent) return;
      if (takesQueueSlot) slotsUsed.set(queueName, (slotsUsed.get(queueName) ?? 0) + 1);
      start(message, now);
    }
    if (Number.isFinite(nextWake)) timer = setTimeout(run, Math.min(Math.max(0, nextWake - now), MAX_TIMER_MS));
  }

  function start(message: StoredMessage, now: number): void {
    message.started = true;
    stats.deliveries += 1;
    // The first attempt was counted when the message was accepted.
    if (message.retried > 0) options.quota.count(now);
    const flowKey = message.flowControl?.key;
    if (flowKey !== undefined) flows.started(flowKey, now);
    const attempt = options
      .deliver(message)
      .catch((error: unknown): AttemptResult => ({ outcome: 'failed', error: String(error) }))
      .then((result) => finish(message, result))
      .finally(() => {
        if (flowKey !== undefined) flows.finished(flowKey);
        inFlight.delete(message.messageId);
        kick();
        settleIdle();
      });
    inFlight.set(message.messageId, attempt);
  }

  function finish(message: StoredMessage, result: AttemptResult): void {
    const what = `${message.messageId} → ${message.method} ${message.url} (retried ${message.retried})`;
    if (result.outcome !== 'delivered') stats.failedDeliveries += 1;
    // Canceled (or its queue deleted) while the attempt ran: drop whatever the outcome.
    if (state.messages.get(message.messageId) !== message) return;
    if (result.outcome === 'delivered') {
      state.messages.delete(message.messageId);
      remember(message.messageId, 'DELIVERED');
      log(`qstash: delivered ${what}: ${result.status}`);
    } else if (result.outcome === 'non-retryable' || message.retried >= message.maxRetries) {
      state.messages.delete(message.messageId);
      const entry = dlqEntry(message, result);
      state.dlq.set(entry.dlqId, entry);
      remember(message.messageId, 'FAILED');
      log(`qstash: moved to DLQ ${entry.dlqId}: ${what}: ${result.status ?? result.error}`);
    } else {
      const delay = retryDelayMs(message, result, options.retryDelayMs);
      message.retried += 1;
      message.dueAt = Date.now() + delay;
      log(`qstash: failed ${what}: ${result.status ?? result.error}; retry in ${delay}ms`);
    }
    persistInBackground();
  }

  return {
    kick,

    /**
     * Stores a new message (or answers a duplicate) and, unless `durable` is false (a batch
     * persists once at its end), resolves only once it is on disk.
     */
    async accept(message: NewMessage, dedupKey?: string, durable = true): Promise<PublishResult> {
      const now = Date.now();
      if (++acceptsSinceSweep >= 1000) {
        acceptsSinceSweep = 0;
        for (const [key, entry] of state.dedup) if (entry.expiresAt <= now) state.dedup.delete(key);
      }
      const previous = dedupKey === undefined ? undefined : state.dedup.get(dedupKey);
      if (previous && previous.expiresAt > now) {
        return { messageId: previous.messageId, url: previous.url, deduplicated: true };
      }
      const messageId = randomId('msg_');
      state.seq += 1;
      if (message.queueName !== undefined && !state.queues.has(message.queueName)) {
        // QStash creates a queue on first enqueue, with parallelism 1.
        state.queues.set(message.queueName, { name: message.queueName, parallelism: 1, paused: false, createdAt: now, updatedAt: now });
      }
      state.messages.set(messageId, { ...message, messageId, seq: state.seq });
      options.quota.count(now);
      if (message.flowControl) flows.configure(message.flowControl);
      if (dedupKey !== undefined) state.dedup.set(dedupKey, { messageId, url: message.url, expiresAt: now + DEDUP_WINDOW_MS });
      stats.published += 1;
      log(`qstash: accepted ${messageId} for ${message.method} ${message.url}${message.queueName ? ` (queue ${message.queueName})` : ''}`);
      kick();
      if (durable) await options.persist();
      return { messageId, url: message.url };
    },

    /** Removes a pending message; an attempt already running finishes but is then dropped. */
    cancel(messageId: string): boolean {
      if (!state.messages.delete(messageId)) return false;
      remember(messageId, 'CANCELED');
      persistInBackground();
      kick();
      settleIdle();
      return true;
    },

    /** The key's counters, for GET /v2/flowControl/{key}; undefined for a key never published with. */
    flowControlInfo(key: string) {
      let waiting = 0;
      for (const message of state.messages.values()) {
        if (message.flowControl?.key === key && !inFlight.has(message.messageId)) waiting += 1;
      }
      return flows.info(key, waiting, Date.now());
    },

    stateOf(messageId: string): MessageState | undefined {
      const message = state.messages.get(messageId);
      if (!message) return recent.get(messageId);
      if (inFlight.has(messageId)) return 'ACTIVE';
      return message.retried > 0 ? 'RETRY' : 'CREATED';
    },

    idle(): Promise<void> {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        settleIdle();
      });
    },

    /** Idempotent: a second call must not write this (now stale) state over a newer process's file. */
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        timer = undefined;
        await Promise.all(inFlight.values());
        await options.persist();
      })();
      return closing;
    },
  };
}
