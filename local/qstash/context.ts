/** What the route modules share. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DailyQuota } from './daily-quota.ts';
import type { QStashPlan } from './plan.ts';
import type { Scheduler } from './scheduler.ts';
import type { State } from './store.ts';

export interface StandInContext {
  state: State;
  scheduler: Scheduler;
  plan: QStashPlan;
  quota: DailyQuota;
  persist: () => Promise<void>;
  signingKeys: { current: string; next: string };
}

/** QStash's error body: `{"error": "..."}`. */
export function jsonError(c: Context, status: ContentfulStatusCode, error: string): Response {
  return c.json({ error }, status);
}

/** Queue names as QStash accepts them; also keeps them safe inside a URL path. */
export const QUEUE_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
