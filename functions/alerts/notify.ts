import type { Services } from '../services.ts';
import { ALERT_KINDS, kindOf, runbookLink } from './conditions.ts';

const TIMEOUT_MS = 5000;

/** The alert's words: what happened, and where the fix is written. */
export function alertText(key: string, detail: string, transition: 'opened' | 'resolved'): string {
  const kind = kindOf(key);
  if (transition === 'resolved') return `✅ ia_agent resolved: ${ALERT_KINDS[kind].title} (${key}) — back to normal.`;
  return `🚨 ia_agent: ${ALERT_KINDS[kind].title} — ${detail} Runbook: ${runbookLink(kind)}`;
}

/**
 * POSTs `{"text": …}` to ALERT_WEBHOOK_URL: Slack's incoming webhooks, Discord's `/slack` endpoint and
 * Google Chat all read that shape. Throws when the receiver does not take it, so the caller can retry later.
 */
export async function sendAlert(s: Services, text: string): Promise<void> {
  const url = s.config.ALERT_WEBHOOK_URL;
  if (!url) return;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  // The body is read (and dropped) so the connection is released.
  await res.text().catch(() => '');
  if (!res.ok) throw new Error(`the alert webhook answered ${res.status}`);
}
