import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { webhookSubscriptions } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import type { Services } from '../services.ts';
import type { WebhookEventType } from './events.ts';

/** More would mostly multiply queue messages (one per subscriber per event) on a free plan. */
export const MAX_SUBSCRIPTIONS = 25;

export type Subscription = { id: string; url: string; events: string[]; secret: string; pausedAt: Date | null };

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))}`;
}

export async function createSubscription(s: Services, input: { url: string; events: WebhookEventType[] }) {
  const [active] = await s.db
    .select({ n: sql<number>`count(*)::int` })
    .from(webhookSubscriptions)
    .where(isNull(webhookSubscriptions.deletedAt));
  if ((active?.n ?? 0) >= MAX_SUBSCRIPTIONS) return undefined;
  const secret = newWebhookSecret();
  const [row] = await s.db.insert(webhookSubscriptions).values({ url: input.url, events: input.events, secret }).returning();
  forgetSubscriptions(s.db);
  return row ? { row, secret } : undefined;
}

const listed = {
  id: webhookSubscriptions.id,
  url: webhookSubscriptions.url,
  events: webhookSubscriptions.events,
  createdAt: webhookSubscriptions.createdAt,
  pausedAt: webhookSubscriptions.pausedAt,
  pausedReason: webhookSubscriptions.pausedReason,
  consecutiveFailures: webhookSubscriptions.consecutiveFailures,
  failingSince: webhookSubscriptions.failingSince,
};

export type ListedSubscription = Awaited<ReturnType<typeof listSubscriptions>>[number];

export async function listSubscriptions(db: Db) {
  return await db
    .select(listed)
    .from(webhookSubscriptions)
    .where(isNull(webhookSubscriptions.deletedAt))
    .orderBy(asc(webhookSubscriptions.createdAt), asc(webhookSubscriptions.id));
}

export async function getSubscription(db: Db, id: string): Promise<ListedSubscription | undefined> {
  const [row] = await db
    .select(listed)
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.deletedAt)));
  return row;
}

/** Soft delete: the deliveries and attempts already recorded stay; pending ones are dropped when due. */
export async function deleteSubscription(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(webhookSubscriptions)
    .set({ deletedAt: sql`now()` })
    .where(and(eq(webhookSubscriptions.id, id), isNull(webhookSubscriptions.deletedAt)))
    .returning({ id: webhookSubscriptions.id });
  forgetSubscriptions(db);
  return rows.length > 0;
}

/**
 * Events are emitted on every message, and most installs have no subscriber: an isolate keeps the
 * subscriptions (paused ones too: their deliveries are recorded as skipped) for a few seconds so that
 * case costs no database round trip. Changes through the API and pauses clear this isolate's copy;
 * other isolates see them within the TTL, and the delivery itself checks for a pause again.
 */
const TTL_MS = 5000;
const cache = new WeakMap<Db, { at: number; value: Promise<Subscription[]> }>();

export function activeSubscriptions(db: Db): Promise<Subscription[]> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  const value = db
    .select({
      id: webhookSubscriptions.id,
      url: webhookSubscriptions.url,
      events: webhookSubscriptions.events,
      secret: webhookSubscriptions.secret,
      pausedAt: webhookSubscriptions.pausedAt,
    })
    .from(webhookSubscriptions)
    .where(isNull(webhookSubscriptions.deletedAt))
    // A drizzle query runs again on every await: cache the promise of its result, not the query.
    .execute();
  cache.set(db, { at: Date.now(), value });
  value.catch(() => cache.delete(db));
  return value;
}

export function forgetSubscriptions(db: Db): void {
  cache.delete(db);
}
