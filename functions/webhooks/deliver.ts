import { and, eq, gt, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { pauseReason, pauseSubscription } from './pause.ts';
import { webhookRetryPolicy } from './retry-policy.ts';
import { signWebhook } from './sign.ts';
import { webhookUrlProblem } from './webhook-url.ts';

/** 'skipped': not sent because its subscriber is paused; nothing to retry. */
export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'gone' | 'skipped';

/**
 * A subscriber has this long to answer. Short, because an attempt holds one of the queue's workers
 * for its whole length; a receiver should acknowledge at once and do its work afterwards.
 */
export const ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * One delivery attempt: POST the stored body to the subscriber, signed with the current time and the
 * delivery's fixed id (so a subscriber can drop a retry it already processed), and record the attempt
 * and the subscriber's failure streak; a streak long enough pauses the subscriber (pause.ts).
 * `retried` is QStash's count of earlier retries; past the policy's last one the delivery is 'failed'.
 */
export async function attemptDelivery(s: Services, deliveryId: string, retried: number): Promise<AttemptOutcome> {
  const [row] = await s.db
    .select({
      status: webhookDeliveries.status,
      payload: webhookDeliveries.payload,
      subscriptionId: webhookDeliveries.subscriptionId,
      url: webhookSubscriptions.url,
      secret: webhookSubscriptions.secret,
      deletedAt: webhookSubscriptions.deletedAt,
      pausedAt: webhookSubscriptions.pausedAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row) return 'gone';
  if (row.status === 'delivered') return 'delivered';
  if (row.deletedAt) {
    await setStatus(s, deliveryId, 'cancelled');
    return 'gone';
  }
  if (row.status === 'skipped') return 'skipped';
  if (row.pausedAt) {
    await setStatus(s, deliveryId, 'skipped', 'subscription paused');
    return 'skipped';
  }
  // A URL stored before the cloud's address check existed (or by a looser version) is not used.
  const urlProblem = webhookUrlProblem(row.url, s.config.MODE);
  if (urlProblem) {
    await pauseSubscription(s, row.subscriptionId, `the URL is not allowed here: it ${urlProblem}; delete this subscription and subscribe a public https URL`);
    await setStatus(s, deliveryId, 'skipped', `url ${urlProblem}`);
    return 'skipped';
  }

  const { statusCode, error } = await post(row, deliveryId);
  const delivered = error === null;
  const policy = webhookRetryPolicy(s.config);
  const final = !delivered && retried >= policy.retries;
  const status = delivered ? 'delivered' : final ? 'failed' : 'retrying';
  const [, , streak] = await s.db.batch([
    s.db
      .update(webhookDeliveries)
      .set({
        attempts: sql`${webhookDeliveries.attempts} + 1`,
        status,
        lastStatusCode: statusCode,
        lastError: error,
        ...(delivered ? { deliveredAt: sql`now()` } : {}),
      })
      .where(eq(webhookDeliveries.id, deliveryId)),
    s.db.insert(webhookAttempts).values({
      deliveryId,
      // Read inside the same transaction, after the increment above.
      attempt: sql`(select ${webhookDeliveries.attempts} from ${webhookDeliveries} where ${webhookDeliveries.id} = ${deliveryId})`,
      statusCode,
      error,
    }),
    delivered
      ? s.db
          .update(webhookSubscriptions)
          .set({ consecutiveFailures: 0, failingSince: null })
          .where(and(eq(webhookSubscriptions.id, row.subscriptionId), gt(webhookSubscriptions.consecutiveFailures, 0)))
          .returning({ failures: webhookSubscriptions.consecutiveFailures, failingMs: sql<number>`0`.mapWith(Number) })
      : s.db
          .update(webhookSubscriptions)
          .set({
            consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1`,
            failingSince: sql`coalesce(${webhookSubscriptions.failingSince}, now())`,
          })
          .where(eq(webhookSubscriptions.id, row.subscriptionId))
          .returning({
            failures: webhookSubscriptions.consecutiveFailures,
            failingMs: sql<number>`extract(epoch from now() - ${webhookSubscriptions.failingSince}) * 1000`.mapWith(Number),
          }),
  ]);
  if (delivered) return 'delivered';

  const reason = streak[0] && pauseReason(streak[0], policy.pauseAfterFailures);
  if (reason) {
    // Its retries, this one's included, would be skipped anyway: none is asked of the queue.
    await pauseSubscription(s, row.subscriptionId, `${reason} (last: ${error})`);
    return 'skipped';
  }
  return final ? 'failed' : 'retry';
}

async function post(row: { url: string; secret: string; payload: string }, deliveryId: string) {
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(row.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ia_agent-webhooks/1',
        'webhook-id': deliveryId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': await signWebhook(row.secret, deliveryId, timestamp, row.payload),
      },
      body: row.payload,
      // A redirect is not a delivery: following it could carry the signed body somewhere else.
      redirect: 'manual',
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => {});
    return { statusCode: res.status, error: res.ok ? null : `the subscriber answered HTTP ${res.status}` };
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { statusCode: null, error: error.slice(0, 500) };
  }
}

async function setStatus(s: Services, deliveryId: string, status: 'cancelled' | 'skipped', lastError?: string) {
  await s.db
    .update(webhookDeliveries)
    .set({ status, ...(lastError ? { lastError } : {}) })
    .where(eq(webhookDeliveries.id, deliveryId));
}
