import { and, asc, desc, eq, inArray, isNull } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { DELIVERIES_IN_FLIGHT_PER_SUBSCRIBER, DELIVERY_HOOK_PATH } from './emit.ts';
import { subscriberQueueKey } from './pause.ts';
import { webhookRetryPolicy } from './retry-policy.ts';

export type LoggedDelivery = {
  id: string;
  event: string;
  status: string;
  attempts: { attempt: number; statusCode: number | null; error: string | null; at: string }[];
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
};

/**
 * A subscription's most recent deliveries, newest first, each with its attempts: what the console's
 * Integrations page shows so a team can see why a receiver is failing. Two round trips (the
 * deliveries, then their attempts); undefined for an unknown or deleted subscription.
 */
export async function recentDeliveries(s: Services, subscriptionId: string, limit: number): Promise<LoggedDelivery[] | undefined> {
  const [found, rows] = await s.db.batch([
    s.db
      .select({ id: webhookSubscriptions.id })
      .from(webhookSubscriptions)
      .where(and(eq(webhookSubscriptions.id, subscriptionId), isNull(webhookSubscriptions.deletedAt))),
    s.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.subscriptionId, subscriptionId))
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(limit),
  ]);
  if (found.length === 0) return undefined;
  const attempts = rows.length
    ? await s.db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, rows.map((r) => r.id)))
        .orderBy(asc(webhookAttempts.attempt))
    : [];
  return rows.map((r) => ({
    id: r.id,
    event: r.event,
    status: r.status,
    attempts: attempts
      .filter((a) => a.deliveryId === r.id)
      .map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, error: a.error, at: a.createdAt.toISOString() })),
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
  }));
}

export type RedeliverOutcome = 'queued' | 'not_found' | 'paused';

/**
 * Sends a recorded delivery again, with the same body and `webhook-id` (a receiver that processed it
 * drops the repeat), as a fresh queue message with the full retry policy. A paused subscriber must be
 * resumed first: its deliveries are not queued.
 */
export async function redeliver(s: Services, subscriptionId: string, deliveryId: string): Promise<RedeliverOutcome> {
  const [row] = await s.db
    .select({ pausedAt: webhookSubscriptions.pausedAt })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId), isNull(webhookSubscriptions.deletedAt)));
  if (!row) return 'not_found';
  if (row.pausedAt) return 'paused';
  await s.db
    .update(webhookDeliveries)
    .set({ status: 'pending', deliveredAt: null, lastError: null })
    .where(eq(webhookDeliveries.id, deliveryId));
  const policy = webhookRetryPolicy(s.config);
  await s.qstash.publishJSON({
    url: new URL(DELIVERY_HOOK_PATH, s.config.PUBLIC_URL).toString(),
    body: { deliveryId },
    // Each redelivery is its own queue message: the first one's deduplication id must not swallow it.
    deduplicationId: `${deliveryId}-again-${Date.now()}`,
    retries: policy.retries,
    retryDelay: policy.retryDelay,
    flowControl: { key: subscriberQueueKey(subscriptionId), parallelism: DELIVERIES_IN_FLIGHT_PER_SUBSCRIBER },
    label: subscriberQueueKey(subscriptionId),
  });
  return 'queued';
}

