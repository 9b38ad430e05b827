import { webhookDeliveries } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { WEBHOOK_EVENT_DATA, webhookEnvelope, type WebhookEventData, type WebhookEventType } from './events.ts';
import { webhookRetryPolicy } from './retry-policy.ts';
import { subscriberQueueKey } from './pause.ts';
import { activeSubscriptions } from './subscriptions.ts';

export const DELIVERY_HOOK_PATH = '/hooks/webhook-delivery';

/** Subscribers × this bounds the queue's webhook work in flight (MAX_SUBSCRIPTIONS is 25). */
export const DELIVERIES_IN_FLIGHT_PER_SUBSCRIBER = 1;

export type EmitOptions = {
  /**
   * Makes emitting idempotent: the same (type, key) yields the same delivery ids, so an event emitted
   * again by a redelivered queue message is recorded and sent once. Use the id of what happened (the
   * message id, the WhatsApp id + status…). Without it every call is a new event.
   */
  key?: string;
  /** When it happened (the envelope's `timestamp`); default now. */
  at?: Date;
};

/**
 * Emits a webhook event: one delivery row and one queue message per subscription that wants `type`
 * (a paused one gets a 'skipped' row and no queue message); `/hooks/webhook-delivery` then signs and
 * POSTs it, retried by QStash. Costs nothing (no round trip) while nobody subscribes. Throws when the
 * data does not match the event's schema or the queue is unreachable: a caller running in a queue
 * handler should let that fail it, so the queue retries.
 */
export async function emitWebhookEvent<T extends WebhookEventType>(
  s: Services,
  type: T,
  data: WebhookEventData[T],
  options: EmitOptions = {},
): Promise<{ deliveries: number }> {
  const subscribers = (await activeSubscriptions(s.db)).filter((sub) => sub.events.includes(type));
  if (subscribers.length === 0) return { deliveries: 0 };

  const checked = WEBHOOK_EVENT_DATA[type].safeParse(data);
  if (!checked.success) {
    throw new TypeError(`emitWebhookEvent(${type}): the data does not match the event's schema: ${checked.error.message}`);
  }
  const payload = JSON.stringify(webhookEnvelope(type, options.at ?? new Date(), checked.data));
  const eventKey = `${type}:${options.key ?? crypto.randomUUID()}`;
  const rows = await Promise.all(
    subscribers.map(async (sub) => ({
      id: await deliveryId(sub.id, eventKey),
      subscriptionId: sub.id,
      event: type,
      payload,
      // A paused subscriber's deliveries are recorded, never queued: they cost no queue message.
      ...(sub.pausedAt ? { status: 'skipped', lastError: 'subscription paused' } : {}),
    })),
  );
  await s.db.insert(webhookDeliveries).values(rows).onConflictDoNothing();

  const queued = rows.filter((row) => row.status === undefined);
  if (queued.length === 0) return { deliveries: 0 };
  const policy = webhookRetryPolicy(s.config);
  const url = new URL(DELIVERY_HOOK_PATH, s.config.PUBLIC_URL).toString();
  const published = await s.qstash.batchJSON(
    queued.map((row) => ({
      url,
      body: { deliveryId: row.id },
      // A re-emitted event is dropped by the queue itself, however many times it comes.
      deduplicationId: row.id,
      retries: policy.retries,
      retryDelay: policy.retryDelay,
      // One subscriber's deliveries go one at a time, on their own key: a slow or dead subscriber
      // holds at most one worker, and the customers' messages on the same queue never wait behind it.
      flowControl: { key: subscriberQueueKey(row.subscriptionId), parallelism: DELIVERIES_IN_FLIGHT_PER_SUBSCRIBER },
      // What a pause cancels.
      label: subscriberQueueKey(row.subscriptionId),
    })),
  );
  const failed = published.find((p) => 'error' in (p as object));
  if (failed) throw new Error(`QStash refused a webhook delivery: ${JSON.stringify(failed)}`);
  return { deliveries: queued.length };
}

/** Standard Webhooks message ids: `msg_` + 32 hex characters, stable for a (subscription, event). */
async function deliveryId(subscriptionId: string, eventKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${subscriptionId}\n${eventKey}`));
  return `msg_${[...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
