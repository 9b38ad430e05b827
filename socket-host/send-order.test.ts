/**
 * Two /send requests for one number written concurrently: the database gives the first the lower seq,
 * but its write answers last. The queue must still send them in seq order (the order a restarted host
 * resumes them in), not in the order the writes came back.
 */
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { createSender, type Sender } from './send.ts';
import type { AcceptedRow, SentMessages } from './sent-messages.ts';
import type { Session } from './session.ts';
import type { HostSocket } from './socket-types.ts';
import { createSendThrottle } from './throttle.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

let sender: Sender | undefined;
afterEach(() => sender?.stop());

/** A sender on an always-open fake socket; `accept` stands for the row's write (its seq in call order). */
function startSender(accept: (seq: number) => Promise<void>) {
  const order: string[] = [];
  const socket = {
    sendMessage: async (_jid: string, _content: unknown, options: { messageId: string }) => void order.push(options.messageId),
  } as unknown as HostSocket;
  const session = { id: 'main', holdsLease: true, openSocket: () => socket } as unknown as Session;
  let seq = 0;
  const sent = {
    async accept(): Promise<AcceptedRow> {
      const mine = ++seq;
      await accept(mine);
      return { state: 'queued', seq: mine, error: null, createdAt: new Date(), inserted: true };
    },
    queued: async () => [],
    markSent: async () => {},
    markFailed: async () => {},
  } as unknown as SentMessages;
  const instant = { minGapMs: 0, typingMsPerChar: 0, maxTypingMs: 0 };
  sender = createSender({
    sessions: new Map([['main', session]]),
    sent,
    downloadMedia: async () => new Uint8Array(),
    outbox: { enqueue: async () => {} },
    throttle: createSendThrottle(instant),
    throttleTuning: instant,
    tuning: { answerWithinMs: 2_000, socketCheckMs: 5 },
    log: pino({ level: 'silent' }),
  });
  sender.start();
  const send = (waMessageId: string) => sender!.send({ v: 1, sessionId: 'main', to: '5511987654321', waMessageId, text: 'Olá', typing: false });
  return { order, send };
}

it('sends in seq order when a lower seq’s row is written after a higher one', async () => {
  const slow = deferred();
  const { order, send } = startSender(async (seq) => {
    if (seq === 1) await slow.promise;
  });
  const first = send('FIRST');
  const second = send('SECOND');
  // The second row is in; give the queue every chance to (wrongly) send it before the first.
  await new Promise((r) => setTimeout(r, 100));
  expect(order).toEqual([]);
  slow.resolve();
  expect(await Promise.all([first, second])).toMatchObject([{ status: 'sent' }, { status: 'sent' }]);
  expect(order).toEqual(['FIRST', 'SECOND']);
});

it('does not hold the queue for a request whose write fails', async () => {
  const failing = deferred();
  const { order, send } = startSender(async (seq) => {
    if (seq !== 1) return;
    await failing.promise;
    throw new Error('connection lost');
  });
  const first = send('LOST');
  const second = send('KEPT');
  failing.resolve();
  await expect(first).rejects.toThrow('connection lost');
  expect(await second).toMatchObject({ status: 'sent' });
  expect(order).toEqual(['KEPT']);
});
