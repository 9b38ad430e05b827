import { describe, expect, it } from 'vitest';
import { POLL_MS, QUIET_POLL_MS, messagePollMs } from './polling.ts';

const now = Date.parse('2026-12-01T12:00:00Z');
const at = (secondsAgo: number, status = 'sent') => ({ createdAt: new Date(now - secondsAgo * 1000).toISOString(), status });

describe('how often an open conversation is polled', () => {
  it('is fast while the conversation is active or a reply is queued', () => {
    expect(messagePollMs({ data: [at(30)] }, now)).toBe(POLL_MS);
    expect(messagePollMs({ data: [at(600), at(700, 'queued')] }, now)).toBe(POLL_MS);
    expect(messagePollMs(undefined, now)).toBe(POLL_MS);
  });

  it('slows down once the newest message is two minutes old and nothing is on its way', () => {
    expect(messagePollMs({ data: [at(121), at(200)] }, now)).toBe(QUIET_POLL_MS);
  });
});
