/**
 * The conditions the team is alerted to (CONTRACT.md "Operations", ALERT_WEBHOOK_URL), each with the
 * docs/runbooks.md section that fixes it. A condition's key is its kind, plus what it is about.
 */
export const ALERT_KINDS = {
  logged_out: { title: 'a number is logged out', runbook: 're-pair-needed-status-logged_out' },
  down: { title: 'a number is down', runbook: 'whatsapp-cannot-be-reached-status-reconnecting' },
  dead_letters: { title: 'messages are in the dead-letter list', runbook: 'alert-dead-letter-messages' },
  subscriber: { title: 'a webhook subscriber is paused', runbook: 'alert-webhook-subscriber-paused' },
  model: { title: 'the model keeps failing', runbook: 'alert-model-failing' },
  free_tier: { title: 'a free tier is past 80 %', runbook: 'alert-free-tier-past-80-percent' },
} as const;

export type AlertKind = keyof typeof ALERT_KINDS;

/** A number that is not open for this long is down (a reconnect usually takes seconds). */
export const DOWN_AFTER_MS = 5 * 60_000;
/** This many replies in a row that fell back because the model failed. */
export const MODEL_FAILURE_STREAK = 3;
/** Percent of a free tier's allowance. */
export const FREE_TIER_PERCENT = 80;

export const alertKey = (kind: AlertKind, about?: string) => (about ? `${kind}:${about}` : kind);
export const kindOf = (key: string) => key.split(':')[0] as AlertKind;

export const runbookLink = (kind: AlertKind) => `docs/runbooks.md#${ALERT_KINDS[kind].runbook}`;
