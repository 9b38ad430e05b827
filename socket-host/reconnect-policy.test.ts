import { describe, expect, it } from 'vitest';
import { backoffDelay, decideOnClose, DEFAULT_RECONNECT_TUNING } from './reconnect-policy.ts';

const low = () => 0;
const high = () => 0.999_999;

describe('decideOnClose', () => {
  it.each([
    [515, 'reconnect'],
    [428, 'reconnect'],
    [408, 'reconnect'],
    [503, 'reconnect'],
    [undefined, 'reconnect'],
    [401, 'stop'],
    [403, 'stop'],
    [419, 'stop'],
    [440, 'stop'],
  ] as const)('code %s → %s', (code, action) => {
    expect(decideOnClose(code, 0, DEFAULT_RECONNECT_TUNING, low).action).toBe(action);
  });

  it('reconnects at once after restartRequired (515), however many attempts came before', () => {
    expect(decideOnClose(515, 7, DEFAULT_RECONNECT_TUNING, high)).toMatchObject({ action: 'reconnect', delayMs: 0 });
  });

  it('stops, clears the auth state and asks for re-pairing on 401/403/419', () => {
    for (const code of [401, 403, 419]) {
      const d = decideOnClose(code, 0);
      expect(d).toMatchObject({ action: 'stop', status: 'logged_out', clearAuth: true });
      expect(d.reason).toContain('re-pair needed');
    }
  });

  it('stops without clearing on 440 (another socket owns the number)', () => {
    expect(decideOnClose(440, 0)).toMatchObject({ action: 'stop', status: 'replaced', clearAuth: false });
  });

  it('retries 500 and 411 a limited number of times, then stops', () => {
    const { maxBadSessionAttempts } = DEFAULT_RECONNECT_TUNING;
    for (const code of [500, 411]) {
      expect(decideOnClose(code, maxBadSessionAttempts - 1).action).toBe('reconnect');
      expect(decideOnClose(code, maxBadSessionAttempts)).toMatchObject({
        action: 'stop',
        status: 'stopped',
        clearAuth: false,
      });
    }
  });

  it('backs off exponentially on network closes, with jitter inside [step/2, step]', () => {
    const delays = [0, 1, 2, 3].map((a) => decideOnClose(428, a, DEFAULT_RECONNECT_TUNING, high));
    expect(delays.map((d) => (d.action === 'reconnect' ? d.delayMs : -1))).toEqual([1000, 2000, 4000, 8000]);
    const lowDelay = decideOnClose(408, 3, DEFAULT_RECONNECT_TUNING, low);
    expect(lowDelay).toMatchObject({ action: 'reconnect', delayMs: 4000 });
  });

  it('never waits longer than the cap, even after hours of failures', () => {
    expect(backoffDelay(500, DEFAULT_RECONNECT_TUNING, high)).toBe(60_000);
    expect(backoffDelay(12, DEFAULT_RECONNECT_TUNING, low)).toBe(30_000);
  });
});
