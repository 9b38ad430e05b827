/**
 * The fault suite's timings: fast enough for a test, slow enough that a kill lands mid-reply. Shared
 * by the child processes and the test, so both sides agree.
 */
import { STALE_CLAIM_SECONDS } from '../../functions/pipeline/reply-claim.ts';
import type { HostTuning } from '../../socket-host/host.ts';

/**
 * The queue's backoff between retries when the message names none: QStash's real one (12 s, 2.5 min,
 * 30 min) compressed to 3 s, 6 s, then the time a dead composer's claim takes to go stale. The first two
 * span a process restart on a loaded machine (several seconds); the last, like QStash's 30 minutes,
 * comes after a claim whose composer was killed can be taken over, so that a message whose earlier
 * attempts all met faults (the kill, the restart, a database restart) is still answered with the free
 * plan's 3 retries. A hook's Retry-After still wins.
 */
const FAULT_QUEUE_BACKOFF_MS = [3_000, 6_000, (STALE_CLAIM_SECONDS + 5) * 1000];
export const FAULT_QUEUE_RETRY_DELAY_MS = (retried: number) => FAULT_QUEUE_BACKOFF_MS[Math.min(retried, FAULT_QUEUE_BACKOFF_MS.length - 1)]!;

/** The model composes for 1–3 s, so a kill lands while replies are being written. */
export const modelDelayMs = (text: string) => 1_000 + (hash(text) % 2_000);

export const FAULT_HOST_TUNING: Partial<HostTuning> = {
  // A SIGKILLed host never releases its lease: the next one takes the number after 3 s.
  session: { leaseTtlMs: 3_000, leaseRenewMs: 300, reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 } },
  outbox: { retryDelayMs: 100, maxRetryDelayMs: 1_000 },
  // "Typing…" for a quarter second before each send: a window for the kill to land mid-send.
  throttle: { minGapMs: 0, typingMsPerChar: 10, maxTypingMs: 250 },
  // A send that could not go (socket down, database restarting) is retried within the test's time.
  send: { socketCheckMs: 50, retryDelayMs: 200, markRetryDelayMs: 100, markMaxRetryDelayMs: 1_000 },
};

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}
