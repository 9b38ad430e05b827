import { describe, expect, it } from 'vitest';
import { createSendThrottle, typingDuration, type Clock } from './throttle.ts';

/** A clock that only moves when someone sleeps: waits are recorded, never actually waited. */
function fakeClock() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
  return { clock, sleeps, advance: (ms: number) => (now += ms) };
}

const tuning = { minGapMs: 1_000, typingMsPerChar: 30, maxTypingMs: 3_000 };

describe('typingDuration', () => {
  it.each([
    [0, 0],
    [10, 300],
    [100, 3_000],
    [5_000, 3_000],
  ])('%i characters → %i ms', (chars, ms) => {
    expect(typingDuration(chars, tuning)).toBe(ms);
  });
});

describe('createSendThrottle', () => {
  it('runs one number’s sends one at a time, in order, spaced by the minimum gap', async () => {
    const { clock, sleeps } = fakeClock();
    const throttle = createSendThrottle(tuning, clock);
    const order: string[] = [];
    let running = 0;
    const task = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      await Promise.resolve();
      order.push(name);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((n) => throttle.run('s1', task(n))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('does not wait when the gap has already passed, and keeps numbers independent', async () => {
    const { clock, sleeps, advance } = fakeClock();
    const throttle = createSendThrottle(tuning, clock);
    await throttle.run('s1', async () => 1);
    await throttle.run('s2', async () => 2);
    expect(sleeps).toEqual([]);
    advance(400);
    await throttle.run('s1', async () => 3);
    expect(sleeps).toEqual([600]);
  });

  it('a failed send does not block the next one', async () => {
    const { clock } = fakeClock();
    const throttle = createSendThrottle(tuning, clock);
    const failed = throttle.run('s1', async () => {
      throw new Error('boom');
    });
    const next = throttle.run('s1', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
