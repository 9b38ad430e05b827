/**
 * POST /send: accepts a WhatsApp text (or file) at once and sends it exactly once per (session, waMessageId),
 * however often the functions or the queue ask. The request is recorded durably ('queued', with what
 * to send) in one round trip; the number's send queue sends it in order. The answer waits a short,
 * bounded time for the send itself: within it, the result is final (`sent`/`failed`, no further
 * queue message needed); after it, 202 `queued`, and the outcome follows as a `message.status` event
 * through the outbox. The id is chosen by the functions, so a retry re-sends the same WhatsApp id
 * (recipients' apps treat it as the same message), never a new one.
 */
import type { Logger } from 'pino';
import type { SendRequest, SendResult } from '../shared/contracts/send-request.ts';
import { HostError } from './http-errors.ts';
import type { MediaDownloader } from './outbound-media.ts';
import { statusEvent } from './normalize.ts';
import type { Outbox } from './outbox.ts';
import { createSendOutcomes, type SendOutcome } from './send-outcomes.ts';
import { SendQueue, type SendJob, type SendQueueTuning } from './send-queue.ts';
import type { SentMessages } from './sent-messages.ts';
import type { Session } from './session.ts';
import type { Clock, SendThrottle, ThrottleTuning } from './throttle.ts';

export type SendTuning = SendQueueTuning & {
  /** How long /send waits for the send before answering 202 `queued`. */
  answerWithinMs: number;
  /** Backoff of the durable outcome write while the database is unreachable. */
  markRetryDelayMs: number;
  markMaxRetryDelayMs: number;
};

export const DEFAULT_SEND_TUNING: SendTuning = {
  answerWithinMs: 5_000,
  socketCheckMs: 250,
  attempts: 3,
  retryDelayMs: 1_000,
  markRetryDelayMs: 500,
  markMaxRetryDelayMs: 30_000,
};

export type SendDeps = {
  sessions: ReadonlyMap<string, Session>;
  sent: SentMessages;
  /** Fetches a file to send from the functions (POST /v1/messages with media). */
  downloadMedia: MediaDownloader;
  outbox: Pick<Outbox, 'enqueue'>;
  throttle: SendThrottle;
  throttleTuning: ThrottleTuning;
  tuning?: Partial<SendTuning>;
  log: Logger;
  clock?: Clock;
};

/** A phone number (digits, with or without +, spaces, dashes) or a full chat JID. */
export function recipientJid(to: string): string {
  const trimmed = to.trim();
  if (trimmed.includes('@')) {
    if (!/^[^@\s]+@(s\.whatsapp\.net|lid|g\.us|broadcast|newsletter|hosted|hosted\.lid)$/.test(trimmed)) {
      throw new HostError('VALIDATION_FAILED', '"to" is not a WhatsApp chat id this host can send to.');
    }
    return trimmed;
  }
  const digits = trimmed.replace(/[\s().+-]/g, '');
  if (!/^\d{5,20}$/.test(digits)) {
    throw new HostError('VALIDATION_FAILED', '"to" must be a phone number in international format or a chat JID.');
  }
  return `${digits}@s.whatsapp.net`;
}

export type Sender = ReturnType<typeof createSender>;

export function createSender(deps: SendDeps) {
  const tuning = { ...DEFAULT_SEND_TUNING, ...deps.tuning };
  const log = deps.log.child({ part: 'send' });
  const outcomes = createSendOutcomes(log, { retryDelayMs: tuning.markRetryDelayMs, maxRetryDelayMs: tuning.markMaxRetryDelayMs });
  const queues = new Map<string, SendQueue>();
  let started = false;
  const queueFor = (session: Session) =>
    new SendQueue({ ...deps, session, outcomes, tuning, log, report: (job, outcome) => report(session.id, job, outcome) });
  for (const session of deps.sessions.values()) queues.set(session.id, queueFor(session));

  /** Nobody waits for this outcome any more: tell the functions through the outbox (durable, retried). */
  function report(sessionId: string, job: SendJob, outcome: SendOutcome): void {
    const phone = job.jid.endsWith('@s.whatsapp.net') ? job.jid.split('@')[0]!.split(':')[0]! : null;
    const event = statusEvent(
      sessionId,
      {
        waMessageId: job.waMessageId,
        chatJid: job.jid,
        phone: phone && /^\d{5,20}$/.test(phone) ? phone : null,
        status: outcome.status,
        error: outcome.status === 'failed' ? outcome.error : null,
      },
      new Date(),
    );
    void deps.outbox.enqueue(event).catch((err: unknown) => log.error({ key: job.key, err: String(err) }, 'send outcome not reported'));
  }

  const answer = (waMessageId: string, outcome: SendOutcome, duplicate: boolean): SendResult =>
    outcome.status === 'sent'
      ? { waMessageId, status: 'sent', duplicate, sentAt: outcome.sentAt.toISOString() }
      : { waMessageId, status: 'failed', duplicate, error: outcome.error };

  function waitFor(job: SendJob, duplicate: boolean): Promise<SendResult> {
    return new Promise((resolve) => {
      const waiter = (outcome: SendOutcome) => {
        clearTimeout(timer);
        resolve(answer(job.waMessageId, outcome, duplicate));
      };
      // Past the bound the outcome is reported as an event instead: the caller is not held.
      const timer = setTimeout(() => {
        job.waiters.delete(waiter);
        resolve({ waMessageId: job.waMessageId, status: 'queued', duplicate });
      }, tuning.answerWithinMs);
      job.waiters.add(waiter);
    });
  }

  async function send(req: SendRequest): Promise<SendResult> {
    const session = deps.sessions.get(req.sessionId);
    const queue = queues.get(req.sessionId);
    if (!session || !queue) throw new HostError('NOT_FOUND', `This socket-host holds no session "${req.sessionId}".`);
    const jid = recipientJid(req.to);
    const key = `${req.sessionId}:${req.waMessageId}`;
    const known = outcomes.get(key);
    if (known) return answer(req.waMessageId, known, true);
    const running = queue.job(req.waMessageId);
    if (running) return await waitFor(running, true);
    // Only the host holding the number may accept for it: another host's queue would never see it.
    if (!session.holdsLease) throw new HostError('UNAVAILABLE', `WhatsApp session "${session.id}" is held by another socket-host or starting; retry later.`);

    const admission = queue.admit();
    let job: SendJob;
    let inserted: boolean;
    try {
      const row = await deps.sent.accept(req.sessionId, { waMessageId: req.waMessageId, remoteJid: jid, text: req.text, typing: req.typing, media: req.media });
      // Checked again after the round trip: the send may have finished (and its mark be pending) meanwhile.
      const settled = outcomes.get(key);
      if (settled) return answer(req.waMessageId, settled, true);
      if (row.state === 'sent') return { waMessageId: req.waMessageId, status: 'sent', duplicate: true, sentAt: row.createdAt.toISOString() };
      if (row.state === 'failed') return { waMessageId: req.waMessageId, status: 'failed', duplicate: true, error: row.error ?? 'failed' };
      job = queue.add({ key, waMessageId: req.waMessageId, jid, text: req.text, typing: req.typing, media: req.media, seq: row.seq });
      inserted = row.inserted;
    } finally {
      admission.done();
    }
    return await waitFor(job, !inserted);
  }

  return {
    send,
    start(): void {
      started = true;
      for (const queue of queues.values()) queue.start();
    },
    /** A number added while the host runs (POST /sessions): its own queue, running if the sender is. */
    addSession(session: Session): void {
      const queue = queueFor(session);
      queues.set(session.id, queue);
      if (started) queue.start();
    },
    /** A number removed: its queue stops after the send in progress; what it left queued stays in the table. */
    async removeSession(sessionId: string): Promise<void> {
      const queue = queues.get(sessionId);
      queues.delete(sessionId);
      await queue?.stop();
    },
    /** Sends accepted but not yet sent, per session (health and tests). */
    queued(sessionId: string): number {
      return queues.get(sessionId)?.length ?? 0;
    },
    /** Outcomes WhatsApp gave that the database does not record yet. */
    get unrecorded(): number {
      return outcomes.pending;
    },
    async stop(): Promise<void> {
      await Promise.all([...queues.values()].map((q) => q.stop()));
      await outcomes.stop();
    },
  };
}
