import { describe, expect, it } from 'vitest';
import { observedAt } from './observed-at.ts';

describe('observedAt', () => {
  it('is an ISO time with microseconds that strictly increases, even within one millisecond', () => {
    const times = Array.from({ length: 50 }, () => observedAt());
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect([...times].sort()).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
    expect(Math.abs(Date.parse(times[0]!) - Date.now())).toBeLessThan(1000);
  });
});
