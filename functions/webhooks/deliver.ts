import { eq, sql } from 'drizzle-orm';
import { webhookAttempts, webhookDeliveries, webhookSubscriptions } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { webhookRetryPolicy } from './retry-policy.ts';
import { signWebhook } from './sign.ts';

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'gone';

const ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * One delivery attempt: POST the stored body to the subscriber, signed with the current time and the
 * delivery's fixed id (so a subscriber can drop a retry it already processed), and record the attempt.
 * `retried` is QStash's count of earlier retries; past the policy's last one the delivery is 'failed'.
 */
export async function attemptDelivery(s: Services, deliveryId: string, retried: number): Promise<AttemptOutcome> {
  const [row] = await s.db
    .select({
      status: webhookDeliveries.status,
      payload: webhookDeliveries.payload,
      url: webhookSubscriptions.url,
      secret: webhookSubscriptions.secret,
      deletedAt: webhookSubscriptions.deletedAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
    .where(eq(webhookDeliveries.id, deliveryId));
  if (!row) return 'gone';
  if (row.status === 'delivered') return 'delivered';
  if (row.deletedAt) {
    await s.db.update(webhookDeliveries).set({ status: 'cancelled' }).where(eq(webhookDeliveries.id, deliveryId));
    return 'gone';
  }

  const timestamp = Math.floor(Date.now() / 1000);
  let statusCode: number | null = null;
  let error: string | null = null;
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
    statusCode = res.status;
    await res.body?.cancel().catch(() => {});
    if (!res.ok) error = `the subscriber answered HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : String(err).slice(0, 500);
  }

  const delivered = error === null;
  const final = !delivered && retried >= webhookRetryPolicy(s.config).retries;
  const status = delivered ? 'delivered' : final ? 'failed' : 'retrying';
  await s.db.batch([
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
  ]);
  return delivered ? 'delivered' : final ? 'failed' : 'retry';
}
