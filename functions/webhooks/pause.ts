import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { webhookDeliveries, webhookSubscriptions } from '../../drizzle/schema.ts';
import { onSubscriberBack, onSubscriberPaused } from '../alerts/subscriber.ts';
import type { Services } from '../services.ts';
import { forgetSubscriptions } from './subscriptions.ts';

/**
 * A subscriber that keeps failing is paused, as Stripe and Svix disable failing endpoints: every
 * attempt to it costs a queue message (QStash's free plan has 1,000 a day for everything, customers'
 * messages included) and holds a worker until it times out. Paused: nothing more is queued for it,
 * its deliveries are recorded as 'skipped', GET /v1/webhooks says why, POST …/resume re-enables it.
 */
export const FAILING_FOR_MS = 24 * 60 * 60 * 1000;

/** Each subscriber's deliveries carry this QStash label (and flow-control key), so a pause can cancel them. */
export const subscriberQueueKey = (subscriptionId: string) => `webhook-${subscriptionId}`;

/** A subscriber's failed attempts since its last success, and for how long (the database's clock). */
export type Streak = { failures: number; failingMs: number };

/** Why a failure streak pauses its subscriber, or undefined while it may go on. */
export function pauseReason(streak: Streak, pauseAfterFailures: number): string | undefined {
  if (streak.failures >= pauseAfterFailures) return `the last ${streak.failures} delivery attempts failed`;
  if (streak.failingMs >= FAILING_FOR_MS) return `every delivery attempt failed for ${Math.floor(streak.failingMs / 3_600_000)} hours`;
  return undefined;
}

/**
 * Pauses a subscription (once: a second caller finds it paused and does nothing), cancels what the
 * queue still holds for it and marks those deliveries 'skipped'. The reason ends with what failed last.
 */
export async function pauseSubscription(s: Services, subscriptionId: string, reason: string): Promise<boolean> {
  const paused = await s.db
    .update(webhookSubscriptions)
    .set({ pausedAt: sql`now()`, pausedReason: reason.slice(0, 500) })
    .where(and(eq(webhookSubscriptions.id, subscriptionId), isNull(webhookSubscriptions.pausedAt), isNull(webhookSubscriptions.deletedAt)))
    .returning({ id: webhookSubscriptions.id, url: webhookSubscriptions.url });
  forgetSubscriptions(s.db);
  const row = paused[0];
  if (!row) return false;
  s.log.warn({ subscriptionId, url: row.url, reason }, 'webhook subscriber paused; POST /v1/webhooks/{id}/resume re-enables it');
  await onSubscriberPaused(s, row, reason);
  // Retries already waiting in the queue would each cost a message only to be skipped: cancel them.
  // A failure here leaves them to be skipped when they come, so it must not fail the caller.
  await s.qstash.messages
    .cancel({ filter: { label: subscriberQueueKey(subscriptionId) } })
    .catch((error: unknown) => s.log.warn({ subscriptionId, err: String(error) }, 'could not cancel a paused subscriber’s queued deliveries'));
  await s.db
    .update(webhookDeliveries)
    .set({ status: 'skipped', lastError: sql`coalesce(${webhookDeliveries.lastError}, 'subscription paused')` })
    .where(and(eq(webhookDeliveries.subscriptionId, subscriptionId), inArray(webhookDeliveries.status, ['pending', 'retrying'])));
  return true;
}

/** Re-enables a paused subscription with a fresh streak; false when there is no such subscription. */
export async function resumeSubscription(s: Services, subscriptionId: string): Promise<boolean> {
  const rows = await s.db
    .update(webhookSubscriptions)
    .set({ pausedAt: null, pausedReason: null, consecutiveFailures: 0, failingSince: null })
    .where(and(eq(webhookSubscriptions.id, subscriptionId), isNull(webhookSubscriptions.deletedAt)))
    .returning({ id: webhookSubscriptions.id });
  forgetSubscriptions(s.db);
  if (rows.length > 0) await onSubscriberBack(s, subscriptionId);
  return rows.length > 0;
}
