/**
 * How often an open view asks the API for news, kept small because every /v1 request is a Workers
 * request and about one Redis command on the free tiers (docs/console.md counts it).
 *
 * - The conversation list: every 4 s, which keeps "new messages within 5 s" with room for the request.
 * - An open conversation: every 4 s while it is active (its newest message is under 2 minutes old, or a
 *   reply is still queued: the agent's answer is on its way); otherwise every 30 s for status changes,
 *   and at once whenever the list shows it has a newer message (a customer, an API send or the phone).
 * - SWR stops polling while the tab is hidden (refreshWhenHidden is false) and asks once when it is
 *   shown again, so a console in a background tab costs nothing.
 */
export const POLL_MS = 4_000;
export const QUIET_POLL_MS = 30_000;
const ACTIVE_FOR_MS = 2 * 60_000;

export const pollOptions = { refreshInterval: POLL_MS, refreshWhenHidden: false, revalidateOnFocus: true } as const;

type MessagePage = { data: { createdAt: string; status: string }[] };

/** Fast while a conversation is active, slow once it is quiet. */
export function messagePollMs(page: MessagePage | undefined, now = Date.now()): number {
  const newest = page?.data[0];
  if (!newest) return POLL_MS;
  const active = now - Date.parse(newest.createdAt) < ACTIVE_FOR_MS || page.data.some((m) => m.status === 'queued');
  return active ? POLL_MS : QUIET_POLL_MS;
}
