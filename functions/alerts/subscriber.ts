import type { Services } from '../services.ts';
import { alertKey } from './conditions.ts';
import { clearCondition, openCondition } from './state.ts';

// Imported by functions/webhooks/pause.ts: nothing here may import the pipeline (evaluate.ts does), or
// the modules would import each other and one would read the other's constants before they exist.

/** The host only: a subscriber's URL path or query can carry its own secret. */
export const subscriberDetail = (id: string, url: string, reason: string | null) =>
  `webhook subscription ${id} (${URL.canParse(url) ? new URL(url).host : 'its URL'}) was paused: ${reason ?? 'it kept failing'}.`;

/**
 * A subscriber was paused (functions/webhooks/pause.ts), or resumed or deleted: announced or resolved
 * at once. Never the caller's failure: the daily reconciliation catches up on a check that failed.
 */
export async function onSubscriberPaused(s: Services, sub: { id: string; url: string }, reason: string): Promise<void> {
  if (!s.config.ALERT_WEBHOOK_URL) return;
  await openCondition(s, alertKey('subscriber', sub.id), subscriberDetail(sub.id, sub.url, reason)).catch((err: unknown) =>
    s.log.error({ err: String(err) }, 'an alert check failed'),
  );
}

export async function onSubscriberBack(s: Services, subscriptionId: string): Promise<void> {
  if (!s.config.ALERT_WEBHOOK_URL) return;
  await clearCondition(s, alertKey('subscriber', subscriptionId)).catch((err: unknown) => s.log.error({ err: String(err) }, 'an alert check failed'));
}

