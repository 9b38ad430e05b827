/**
 * The QStash plan the stand-in enforces, so that local runs and tests refuse what the real
 * service would refuse on that plan. Figures from Upstash's pricing data (upstash-web
 * `src/data/pricing/qstash.ts`, QSTASH_FREE_PLAN / QSTASH_PAYG_PLAN); the retry caps are from
 * QStash's pricing table (Max Retry Count: free 3, pay-as-you-go 5), which the current pricing
 * page no longer shows but the API still applies as the default.
 */

export type PlanName = 'free' | 'payg';

export interface QStashPlan {
  name: PlanName;
  /** Largest `Upstash-Retries` accepted. */
  maxRetries: number;
  maxMessageBytes: number;
  /** Billed messages per UTC day: every delivery attempt, retries included. */
  messagesPerDay: number;
  maxQueues: number;
  maxQueueParallelism: number;
  /** Largest `parallelism=` of `Upstash-Flow-Control-Value`. */
  maxFlowControlParallelism: number;
  /** Max HTTP Response Duration: an attempt still waiting for its answer then fails. */
  maxResponseMs: number;
}

export const PLANS: Record<PlanName, QStashPlan> = {
  free: {
    name: 'free',
    maxRetries: 3,
    maxMessageBytes: 1024 * 1024,
    messagesPerDay: 1_000,
    maxQueues: 10,
    maxQueueParallelism: 2,
    maxFlowControlParallelism: 10,
    maxResponseMs: 15 * 60_000,
  },
  payg: {
    name: 'payg',
    maxRetries: 5,
    maxMessageBytes: 10 * 1024 * 1024,
    messagesPerDay: Number.POSITIVE_INFINITY,
    maxQueues: 100,
    maxQueueParallelism: 10,
    maxFlowControlParallelism: 100,
    maxResponseMs: 2 * 3_600_000,
  },
};

/** `QSTASH_PLAN=free|payg`, default free: the plan a new deployment starts on. */
export function planFromEnv(value: string | undefined = process.env.QSTASH_PLAN): QStashPlan {
  const name = (value ?? '').trim().toLowerCase() || 'free';
  if (name !== 'free' && name !== 'payg') {
    throw new Error(`QSTASH_PLAN must be "free" or "payg", not "${value}"`);
  }
  return PLANS[name];
}
