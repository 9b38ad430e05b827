/**
 * A reply that leaves after the socket-host's /send had already answered `queued`: the functions learn
 * the outcome from the socket-host's status event, and integrators get the same single `message.sent`
 * as for a reply sent at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<Record<string, unknown>>[] = [];

beforeAll(async () => {
  t = await startPipelineStack({
    reply: () => 'We deliver on Sundays too.',
    socketHostTuning: {
      session: { leaseTtlMs: 3_000, leaseRenewMs: 200, reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 } },
      outbox: { retryDelayMs: 50, maxRetryDelayMs: 200 },
      // Typing takes ~26 ms and /send answers after 1 ms: every send finishes after its answer.
      throttle: { minGapMs: 0, typingMsPerChar: 1, maxTypingMs: 50 },
      send: { answerWithinMs: 1, socketCheckMs: 20 },
    },
  });
  const subscribed = await subscribeReceiver<Record<string, unknown>>(t, ['message.sent', 'message.status']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('a reply sent after /send answered queued', () => {
  it('becomes sent through the status event and fires message.sent once', async () => {
    const phone = '15550909001';
    t.customerWrites(phone, 'Do you deliver on Sundays?');
    await eventually(async () => (await t.rows(phone)).some((r) => r.direction === 'out' && r.status === 'sent'), 'the reply recorded as sent');
    await t.idle();

    expect(t.sentTo(phone).map((s) => s.text)).toEqual(['We deliver on Sundays too.']);
    const [reply] = (await t.rows(phone)).filter((r) => r.direction === 'out');
    expect(reply).toMatchObject({ status: 'sent', error: null });
    expect(received.map((e) => e.type)).toEqual(['message.sent']);
    expect(received[0]!.data).toMatchObject({ to: `${phone}@s.whatsapp.net`, message: { id: reply!.id, text: 'We deliver on Sundays too.', status: 'sent' } });
  });
});
