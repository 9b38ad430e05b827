/**
 * SENTRY_DSN under `npm run dev`: the socket-host that local/stack.ts runs in-process reports its
 * failures as the container's does, through one @sentry/node client for the process, released when
 * the stack stops; without the variable nothing starts and nothing is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketHostSentryActive } from '../socket-host/sentry.ts';
import { pollUntil } from '../socket-host/testing.ts';
import { createFakeSockets } from '../test-support/fake-socket.ts';
import { startFakeSentry, type FakeSentry } from '../test-support/fake-sentry.ts';
import { startStack } from './stack.ts';

const PHONE = '5511987654321';
const TEXT = 'the red-kite order, please';
const FAST_OUTBOX = { outbox: { retryDelayMs: 50, maxRetryDelayMs: 200 } };

let sentry: FakeSentry;
beforeAll(async () => {
  sentry = await startFakeSentry();
});
afterAll(() => sentry?.close());

const tagsOf = (event: Record<string, unknown>) => (event.tags ?? {}) as Record<string, string>;

/** The embedded stack with a fake WhatsApp, its queue unreachable, so the outbox's publishes fail. */
async function stackWithFailingQueue(env: Record<string, string>) {
  const fake = createFakeSockets();
  const stack = await startStack({
    makeSocket: fake.makeSocket,
    logLevel: 'warn',
    socketHostTuning: FAST_OUTBOX,
    env: { WA_SESSIONS: 'default', QSTASH_URL: 'http://127.0.0.1:9', ...env },
  });
  await pollUntil(() => fake.latest()?.state === 'open', 'the socket to open', 60_000);
  fake.latest()!.inject({ from: PHONE, text: TEXT, id: 'STACKSENTRY0000001' });
  return stack;
}

// Waits are generous: the embedded stack (PGlite) starts slowly on a busy machine; nothing here is timed.
describe('Sentry on the embedded socket-host (npm run dev)', { timeout: 120_000 }, () => {
  it('reports the outbox failing, tagged as the socket-host, without the number or the text; stop releases the client', async () => {
    const stack = await stackWithFailingQueue({ SENTRY_DSN: sentry.dsn });
    try {
      expect(socketHostSentryActive()).toBe(true);
      await pollUntil(() => sentry.events().some((e) => tagsOf(e).part === 'outbox'), 'the outbox failure reported', 60_000);
    } finally {
      await stack.stop();
    }
    expect(socketHostSentryActive()).toBe(false);
    const event = sentry.events().find((e) => tagsOf(e).part === 'outbox')!;
    expect(event).toMatchObject({ message: 'outbox: publish failed; will retry', tags: { component: 'socket-host', kind: 'failed_attempt' } });
    expect(sentry.envelopes.filter((e) => e.raw.includes(PHONE) || e.raw.includes('red-kite'))).toEqual([]);
  });

  it('without SENTRY_DSN starts no client and sends nothing', async () => {
    const before = sentry.envelopes.length;
    const stack = await stackWithFailingQueue({});
    try {
      expect(socketHostSentryActive()).toBe(false);
      // Until the outbox has failed (and logged it) more than once: the moment a report would have gone.
      const attempts = () => stack.db.execute(`select coalesce(max(attempts), 0) as n from wa_outbox`).then((r) => Number((r.rows[0] as { n: number }).n));
      await pollUntil(async () => (await attempts()) >= 2, 'two failed publishes', 60_000);
    } finally {
      await stack.stop();
    }
    expect(sentry.envelopes.length).toBe(before);
  });
});
