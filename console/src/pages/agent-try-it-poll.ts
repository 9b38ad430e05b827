/**
 * The Try it panel asks the playground for news only while it waits for the agent's answer to what was
 * just typed: every 2 s, until an agent message that was not there before is sent (not queued), and for
 * a minute at most (a paused agent never answers). Otherwise it makes no request at all.
 */
export const TRY_IT_POLL_MS = 2_000;
export const TRY_IT_WAIT_MS = 60_000;

export type Waiting = { since: number; known: ReadonlySet<string> };
type Message = { id: string; direction: 'in' | 'out'; status: string };

export function tryItPollMs(messages: readonly Message[] | undefined, waiting: Waiting | null, now = Date.now()): number {
  if (!waiting || now - waiting.since > TRY_IT_WAIT_MS) return 0;
  const answered = (messages ?? []).some((m) => m.direction === 'out' && !waiting.known.has(m.id) && m.status !== 'queued');
  return answered ? 0 : TRY_IT_POLL_MS;
}
