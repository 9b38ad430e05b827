/**
 * What to do when a Baileys socket closes, decided from the disconnect status code alone (pure, so the
 * whole table is unit-tested). The table follows research §3.4: Baileys' DisconnectReason codes and
 * what Evolution, WAHA and Baileys' own example learned the hard way.
 */

export type StopStatus = 'logged_out' | 'replaced' | 'stopped';

export type CloseDecision =
  | { action: 'reconnect'; delayMs: number; reason: string }
  | { action: 'stop'; status: StopStatus; clearAuth: boolean; reason: string };

export type ReconnectTuning = {
  /** First backoff step; doubles per consecutive failure. */
  baseDelayMs: number;
  /** No wait is ever longer than this, however long the outage. */
  maxDelayMs: number;
  /** 500 badSession / 411 multideviceMismatch: how many reconnects before giving up. */
  maxBadSessionAttempts: number;
};

export const DEFAULT_RECONNECT_TUNING: ReconnectTuning = {
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  maxBadSessionAttempts: 3,
};

/** Baileys' UNAUTHORIZED_CODES: the linked device was removed or the account is blocked. */
const UNAUTHORIZED = new Set([401, 403, 419]);
const NAMES: Record<number, string> = {
  401: 'logged out from the phone',
  403: 'forbidden (account blocked or banned)',
  408: 'connection lost or timed out',
  411: 'multi-device mismatch',
  419: 'unauthorized',
  428: 'connection closed',
  440: 'connection replaced by another socket',
  500: 'bad session',
  503: 'WhatsApp service unavailable',
  515: 'restart required',
};

/** Human words for a close code, for status reasons and logs. */
export function describeClose(statusCode: number | undefined): string {
  if (statusCode === undefined) return 'connection closed without a status code';
  return `${NAMES[statusCode] ?? 'connection closed'} (${statusCode})`;
}

/**
 * @param statusCode the Boom status of `lastDisconnect.error` (undefined for a plain Error)
 * @param attempt consecutive closes since the socket was last open, 0 for the first
 * @param random injected for tests; jitter keeps several hosts from reconnecting in lockstep
 */
export function decideOnClose(
  statusCode: number | undefined,
  attempt: number,
  tuning: ReconnectTuning = DEFAULT_RECONNECT_TUNING,
  random: () => number = Math.random,
): CloseDecision {
  const reason = describeClose(statusCode);
  // Normal right after a QR scan or pairing code: Baileys asks for a fresh socket with the new creds.
  if (statusCode === 515) return { action: 'reconnect', delayMs: 0, reason };
  if (statusCode !== undefined && UNAUTHORIZED.has(statusCode)) {
    return { action: 'stop', status: 'logged_out', clearAuth: true, reason: `${reason}; re-pair needed` };
  }
  // Another socket uses these creds: reconnecting would fight it in a ping-pong loop.
  if (statusCode === 440) {
    return { action: 'stop', status: 'replaced', clearAuth: false, reason: `${reason}; start it again once the other socket is gone` };
  }
  if ((statusCode === 500 || statusCode === 411) && attempt >= tuning.maxBadSessionAttempts) {
    return {
      action: 'stop',
      status: 'stopped',
      clearAuth: false,
      reason: `${reason} after ${attempt} reconnects; re-pair may be needed`,
    };
  }
  return { action: 'reconnect', delayMs: backoffDelay(attempt, tuning, random), reason };
}

/** Exponential backoff with "equal jitter": half the step is fixed, the other half random. */
export function backoffDelay(attempt: number, tuning: ReconnectTuning, random: () => number): number {
  const step = Math.min(tuning.maxDelayMs, tuning.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}
