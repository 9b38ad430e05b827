/**
 * One number's send queue: works through accepted sends in the order /send accepted them, one at a
 * time through the throttle (gap + typing), waiting for the socket instead of refusing while it is
 * not open. The rows in wa_sent_messages are the durable copy: each time a socket opens, the queue is
 * reloaded from them, so a restarted host resumes, and a host that held the number before another
 * one does not send what the other already sent.
 */
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { OutboundMediaRef } from '../shared/contracts/send-request.ts';
import { MediaGone, mediaContent, type MediaDownloader } from './outbound-media.ts';
import type { SentMessages } from './sent-messages.ts';
import type { SendOutcome, SendOutcomes } from './send-outcomes.ts';
import type { Session } from './session.ts';
import type { HostSocket } from './socket-types.ts';
import { realClock, showTyping, type Clock, type SendThrottle, type ThrottleTuning } from './throttle.ts';

export type SendJob = {
  key: string;
  waMessageId: string;
  jid: string;
  text: string;
  typing: boolean;
  /** A file to send, `text` being its caption. */
  media?: OutboundMediaRef;
  seq: number;
  /** /send requests waiting for the outcome; none left means it is reported as an event instead. */
  waiters: Set<(outcome: SendOutcome) => void>;
  /** Which reload generation added it (see reload). */
  generation: number;
  /** The last /send admitted when it was added: it waits until every one up to this is added or refused. */
  after: number;
};

export type SendQueueTuning = {
  /** How often a queue checks for its socket while it is not open, or for a new one while idle. */
  socketCheckMs: number;
  /** Tries per message while the socket stays open but WhatsApp errors, before it counts as failed. */
  attempts: number;
  retryDelayMs: number;
};

export type SendQueueDeps = {
  session: Session;
  sent: SentMessages;
  downloadMedia: MediaDownloader;
  outcomes: SendOutcomes;
  throttle: SendThrottle;
  throttleTuning: ThrottleTuning;
  tuning: SendQueueTuning;
  /** A send finished after every waiting /send had answered: the functions learn it from an event. */
  report(job: SendJob, outcome: SendOutcome): void;
  log: Logger;
  clock?: Clock;
};

export class SendQueue {
  private readonly deps: SendQueueDeps;
  private readonly clock: Clock;
  private queue: SendJob[] = [];
  private readonly jobs = new Map<string, SendJob>();
  private generation = 0;
  private loadedFor: HostSocket | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  private running: Promise<void> | undefined;
  /**
   * /send requests whose row is being written. Concurrent writes get their seq in one order and may
   * finish in another: a job is sent only once every request admitted before it was added has its
   * row, so a lower seq still in flight is never overtaken.
   */
  private admitted = 0;
  private readonly writing = new Set<number>();

  constructor(deps: SendQueueDeps) {
    this.deps = deps;
    this.clock = deps.clock ?? realClock;
  }

  job(waMessageId: string): SendJob | undefined {
    return this.jobs.get(waMessageId);
  }

  get length(): number {
    return this.jobs.size;
  }

  /** A /send is about to write its row: call `done` when it is added or refused. */
  admit(): { done(): void } {
    const ticket = ++this.admitted;
    this.writing.add(ticket);
    return {
      done: () => {
        if (this.writing.delete(ticket)) this.wake?.();
      },
    };
  }

  /** Adds an accepted send (or returns the job already there for this id), in `seq` order. */
  add(job: Omit<SendJob, 'waiters' | 'generation' | 'after'>): SendJob {
    const known = this.jobs.get(job.waMessageId);
    if (known) return known;
    const added: SendJob = { ...job, waiters: new Set(), generation: this.generation, after: this.admitted };
    this.insert(added);
    this.wake?.();
    return added;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /**
   * Stops after the send in progress (bounded: a send on a dying socket must not hold the stop);
   * what is left stays queued in the table for the next start.
   */
  async stop(boundMs = 5_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, boundMs).unref())]);
  }

  private insert(job: SendJob): void {
    this.jobs.set(job.waMessageId, job);
    let at = this.queue.length;
    while (at > 0 && this.queue[at - 1]!.seq > job.seq) at--;
    this.queue.splice(at, 0, job);
  }

  private async loop(): Promise<void> {
    const { session, log } = this.deps;
    while (!this.stopped) {
      try {
        const sock = session.openSocket();
        if (!sock) {
          await this.nap(this.deps.tuning.socketCheckMs);
          continue;
        }
        if (sock !== this.loadedFor) {
          await this.reload();
          this.loadedFor = sock;
          continue;
        }
        const job = this.queue[0];
        if (!job || this.overtakes(job)) {
          await this.nap(this.deps.tuning.socketCheckMs);
          continue;
        }
        await this.sendHead(job, sock);
      } catch (err) {
        log.warn({ session: session.id, err: err instanceof Error ? err.message : String(err) }, 'send queue: will retry');
        await this.nap(this.deps.tuning.retryDelayMs);
      }
    }
  }

  /**
   * The table is the truth for what is queued; memory adds only what was accepted while the query
   * ran, and drops what settled meanwhile (sent here but not yet marked, or sent by another host).
   */
  private async reload(): Promise<void> {
    const { session, outcomes } = this.deps;
    const since = ++this.generation;
    const rows = await this.deps.sent.queued(session.id);
    const fresh = new Map<string, SendJob>();
    for (const row of rows) {
      const key = `${session.id}:${row.waMessageId}`;
      if (outcomes.get(key)) continue;
      const known = this.jobs.get(row.waMessageId);
      fresh.set(row.waMessageId, known ?? { ...row, key, jid: row.remoteJid, waiters: new Set(), generation: since, after: 0 });
    }
    for (const job of this.queue) if (job.generation >= since && !fresh.has(job.waMessageId)) fresh.set(job.waMessageId, job);
    this.jobs.clear();
    this.queue = [];
    for (const job of [...fresh.values()].sort((a, b) => a.seq - b.seq)) this.insert(job);
  }

  /** A request admitted before this job was added still writes its row (and may hold a lower seq). */
  private overtakes(job: SendJob): boolean {
    for (const ticket of this.writing) if (ticket <= job.after) return true;
    return false;
  }

  private async sendHead(job: SendJob, sock: HostSocket): Promise<void> {
    const { session, sent, outcomes, tuning } = this.deps;
    let error = '';
    let content: AnyMessageContent | undefined;
    for (let attempt = 1; attempt <= tuning.attempts; attempt++) {
      let message: Awaited<ReturnType<HostSocket['sendMessage']>>;
      try {
        // The file is fetched before the number's turn, so a slow download holds no other send back.
        content ??= job.media ? mediaContent(job.media, await this.deps.downloadMedia(job.media), job.text) : { text: job.text };
        const ready = content;
        message = await this.deps.throttle.run(session.id, async () => {
          const presence = job.media?.type === 'voice' ? 'recording' : 'composing';
          if (job.typing) await showTyping(sock, job.jid, job.text.length, this.deps.throttleTuning, this.clock, presence);
          return await sock.sendMessage(job.jid, ready, { messageId: job.waMessageId });
        });
      } catch (err) {
        if (err instanceof MediaGone) {
          error = `The file could not be sent: ${err.message}`;
          break;
        }
        // A socket that closed mid-send is an outage: the job stays first and waits for the next socket.
        if (session.openSocket() !== sock) return;
        error = `${content ? 'WhatsApp did not accept the message' : 'The file to send could not be fetched'}: ${err instanceof Error ? err.message : String(err)}`;
        if (attempt < tuning.attempts) await this.nap(tuning.retryDelayMs * attempt);
        if (this.stopped) return;
        continue;
      }
      // WhatsApp has it: from here on nothing may send it again, whatever the database says.
      const outcome: SendOutcome = { status: 'sent', sentAt: new Date() };
      await outcomes.settle(job.key, outcome, () => sent.markSent(session.id, job.waMessageId, message?.message));
      this.finish(job, outcome);
      return;
    }
    const outcome: SendOutcome = { status: 'failed', error: error.slice(0, 500) };
    await outcomes.settle(job.key, outcome, () => sent.markFailed(session.id, job.waMessageId, outcome.error));
    this.finish(job, outcome);
  }

  private finish(job: SendJob, outcome: SendOutcome): void {
    this.jobs.delete(job.waMessageId);
    this.queue = this.queue.filter((j) => j !== job);
    if (job.waiters.size === 0) return this.deps.report(job, outcome);
    for (const waiter of job.waiters) waiter(outcome);
    job.waiters.clear();
  }

  private nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
