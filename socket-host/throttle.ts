/**
 * Sends per number go one at a time, with a minimum gap and a "typing…" pause proportional to the
 * text: bursts of instant replies are what gets unofficial numbers banned.
 */
import type { HostSocket } from './socket-types.ts';

export type ThrottleTuning = {
  /** Minimum time between two sends of one number. */
  minGapMs: number;
  /** Typing time per character of text, capped at maxTypingMs. */
  typingMsPerChar: number;
  maxTypingMs: number;
};

export const DEFAULT_THROTTLE_TUNING: ThrottleTuning = { minGapMs: 1_000, typingMsPerChar: 30, maxTypingMs: 3_000 };

export type Clock = { now(): number; sleep(ms: number): Promise<void> };

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function typingDuration(textLength: number, tuning: ThrottleTuning): number {
  return Math.min(tuning.maxTypingMs, Math.max(0, textLength * tuning.typingMsPerChar));
}

export type SendThrottle = {
  /** Runs `task` when this number's turn comes and its gap since the previous send has passed. */
  run<T>(key: string, task: () => Promise<T>): Promise<T>;
};

export function createSendThrottle(tuning: ThrottleTuning, clock: Clock = realClock): SendThrottle {
  const tails = new Map<string, Promise<unknown>>();
  const lastDone = new Map<string, number>();
  return {
    run(key, task) {
      const turn = async () => {
        const last = lastDone.get(key);
        const wait = last === undefined ? 0 : last + tuning.minGapMs - clock.now();
        if (wait > 0) await clock.sleep(wait);
        try {
          return await task();
        } finally {
          lastDone.set(key, clock.now());
        }
      };
      const result = (tails.get(key) ?? Promise.resolve()).then(turn, turn);
      const tail = result.catch(() => undefined);
      tails.set(key, tail);
      // Forget idle numbers so the map does not grow with every number ever seen.
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return result;
    },
  };
}

/**
 * Shows "typing…" in the chat for about as long as a person would take to type the text, then clears
 * it; before a voice note, "recording audio…" for the longest typing time instead.
 */
export async function showTyping(
  sock: HostSocket,
  jid: string,
  textLength: number,
  tuning: ThrottleTuning,
  clock: Clock = realClock,
  presence: 'composing' | 'recording' = 'composing',
): Promise<void> {
  const ms = presence === 'recording' ? tuning.maxTypingMs : typingDuration(textLength, tuning);
  if (ms <= 0) return;
  // Presence is cosmetic: a failure here must never block the message itself.
  await sock.sendPresenceUpdate(presence, jid).catch(() => undefined);
  await clock.sleep(ms);
  await sock.sendPresenceUpdate('paused', jid).catch(() => undefined);
}
