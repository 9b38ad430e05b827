import { describe, expect, it } from 'vitest';
import { TRY_IT_POLL_MS, TRY_IT_WAIT_MS, tryItPollMs } from './agent-try-it-poll.ts';

const msg = (id: string, direction: 'in' | 'out', status = 'sent') => ({ id, direction, status });
const waiting = (since: number, known: string[]) => ({ since, known: new Set(known) });

describe('tryItPollMs', () => {
  it('makes no request while nothing was typed', () => {
    expect(tryItPollMs([msg('a', 'in'), msg('b', 'out')], null, 0)).toBe(0);
  });

  it('polls after a message until a new agent message is sent, not merely queued', () => {
    const w = waiting(1_000, ['a', 'b']);
    expect(tryItPollMs([msg('a', 'in'), msg('b', 'out')], w, 2_000)).toBe(TRY_IT_POLL_MS);
    expect(tryItPollMs([msg('a', 'in'), msg('b', 'out'), msg('c', 'in')], w, 2_000)).toBe(TRY_IT_POLL_MS);
    expect(tryItPollMs([msg('c', 'in'), msg('d', 'out', 'queued')], w, 2_000)).toBe(TRY_IT_POLL_MS);
    expect(tryItPollMs([msg('c', 'in'), msg('d', 'out', 'sent')], w, 2_000)).toBe(0);
  });

  it('gives up a minute after the message, when no answer comes (a paused agent)', () => {
    expect(tryItPollMs([msg('c', 'in')], waiting(0, []), TRY_IT_WAIT_MS + 1)).toBe(0);
  });
});
