/**
 * A local stand-in for Upstash QStash, driven by the real `@upstash/qstash` Client and verified
 * by its real Receiver:
 *
 *   const qstash = createQStashStandIn({ dataFile: '.data/qstash.json' });
 *   serve({ fetch: qstash.app.fetch, port: 8080 });
 *   const client = new Client({ baseUrl: 'http://127.0.0.1:8080', token: QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN });
 */
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { createDailyQuota } from './daily-quota.ts';
import { deliverOnce } from './deliver.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { defaultRetryDelayMs } from './durations.ts';
import { PLANS, planFromEnv, type PlanName } from './plan.ts';
import { createScheduler, type Stats } from './scheduler.ts';
import { createPersister, loadState } from './store.ts';

export { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
export { signQStashJwt } from '../../shared/qstash-jwt.ts';
export { PLANS, type PlanName, type QStashPlan } from './plan.ts';

/** Deliveries at once; a burst of publishes must not open thousands of sockets. */
const MAX_CONCURRENT_DELIVERIES = 32;

export interface QStashStandInOptions {
  /** Bearer token the Client must send; default QStash's dev-server token. */
  token?: string;
  /** Keys deliveries are signed with (`current`) and `GET /v2/keys` returns; default the dev-server keys. */
  signingKeys?: { current: string; next: string };
  /** When set, pending messages, queues, dedup ids and the DLQ are kept in this JSON file and reloaded. */
  dataFile?: string;
  /** Used for deliveries; default the global fetch. */
  fetch?: typeof fetch;
  /**
   * Backoff before a retry, in ms; `retried` = retries already made (0 before the first retry).
   * Default QStash's min(86400, e^(2.5·(retried+1))) seconds. A message's own `Upstash-Retry-Delay`
   * and a destination's `Retry-After` still take precedence, as in QStash.
   */
  retryDelayMs?: (retried: number) => number;
  /**
   * The plan whose limits are enforced (retries, message size, messages per day, queue and
   * flow-control parallelism); default `QSTASH_PLAN` from the environment, else free.
   */
  plan?: PlanName;
  log?: (line: string) => void;
}

export interface QStashStandIn {
  /** Routes under /v2/…; serve it with any fetch-handler server. */
  app: Hono;
  /** Publishes accepted, delivery attempts (one billed QStash message each), failed attempts. */
  stats: Stats;
  /** Resolves when no message is pending (delayed and retrying ones included) and none is in flight. */
  idle(): Promise<void>;
  /** Stops the timer, waits for running deliveries and writes the state file. */
  close(): Promise<void>;
}

export function createQStashStandIn(options: QStashStandInOptions = {}): QStashStandIn {
  const signingKeys = options.signingKeys ?? {
    current: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
    next: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY,
  };
  const log = options.log ?? (() => {});
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const state = loadState(options.dataFile);
  const persist = createPersister(options.dataFile, state);
  const stats: Stats = { published: 0, deliveries: 0, failedDeliveries: 0 };
  const plan = options.plan ? PLANS[options.plan] : planFromEnv();
  const quota = createDailyQuota(state, plan.messagesPerDay);
  const scheduler = createScheduler({
    state,
    persist,
    quota,
    deliver: (message) =>
      deliverOnce(message, { fetch: fetchImpl, signingKey: signingKeys.current, maxResponseMs: plan.maxResponseMs }),
    retryDelayMs: options.retryDelayMs ?? defaultRetryDelayMs,
    log,
    stats,
    maxConcurrent: MAX_CONCURRENT_DELIVERIES,
  });
  const app = createApp({ state, scheduler, persist, signingKeys, plan, quota }, options.token ?? QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN, log);
  if (state.messages.size > 0) log(`qstash: reloaded ${state.messages.size} pending message(s) from ${options.dataFile}`);
  // Messages reloaded from the file may already be due.
  scheduler.kick();
  return { app, stats, idle: () => scheduler.idle(), close: () => scheduler.close() };
}
