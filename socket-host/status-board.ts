/**
 * A session's status: kept in memory for /health, written to wa_sessions while we hold the lease,
 * and announced as `session.status` events when it matters. Announcements cost a queue message
 * each, so reconnect churn is not announced; an outage is, once it outlasts a grace period.
 */
import { EventEmitter } from 'node:events';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { waSessions } from '../drizzle/schema.ts';
import type { SessionState } from '../shared/contracts/wa-event.ts';
import type { Db } from '../shared/db.ts';
import { HostError } from './http-errors.ts';
import { sessionStatusEvent } from './normalize.ts';
import type { Outbox } from './outbox.ts';

const ANNOUNCED = new Set<SessionState>(['qr', 'open', 'logged_out', 'replaced', 'stopped']);

export type StatusBoardDeps = {
  db: Db;
  ownerId: string;
  outbox: Outbox;
  log: Logger;
  announceOutageAfterMs: number;
  /** Writes only while we hold the lease: the row is the lease holder's to describe. */
  mayWrite: () => boolean;
  /** The session's ordered event queue, so announcements keep their place among messages. */
  queue: (task: () => Promise<void>) => void;
};

export class StatusBoard {
  status: SessionState = 'not_linked';
  reason: string | null = null;
  phone: string | null = null;
  private readonly sessionId: string;
  private readonly deps: StatusBoardDeps;
  private readonly changes = new EventEmitter();
  private lastAnnounced: SessionState | undefined;
  private outageTimer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();

  constructor(sessionId: string, deps: StatusBoardDeps) {
    this.sessionId = sessionId;
    this.deps = deps;
    this.changes.setMaxListeners(100);
  }

  set(status: SessionState, reason: string | null): void {
    if (status === this.status && reason === this.reason) return;
    const previous = this.status;
    this.status = status;
    this.reason = reason;
    this.deps.log.info({ status, reason }, 'session status');
    this.changes.emit('change');
    if (this.deps.mayWrite()) this.persist(status, reason, this.phone);
    if (status === 'reconnecting' && previous === 'open') {
      clearTimeout(this.outageTimer);
      this.outageTimer = setTimeout(() => {
        if (this.status === 'reconnecting' || this.status === 'connecting') this.announce('reconnecting');
      }, this.deps.announceOutageAfterMs);
    }
    if (ANNOUNCED.has(status)) this.announce(status);
  }

  /** Anything else that may satisfy a `waitFor` changed (a new QR, for instance). */
  touch(): void {
    this.changes.emit('change');
  }

  /** A relink starts the announcements afresh (its QR and open are news again). */
  resetAnnouncements(): void {
    this.lastAnnounced = undefined;
  }

  private persist(status: SessionState, reason: string | null, phone: string | null): void {
    const { db, ownerId } = this.deps;
    const write = async () => {
      await db
        .update(waSessions)
        .set({ status, statusReason: reason, phone: sql`coalesce(${phone}, ${waSessions.phone})`, updatedAt: sql`now()` })
        .where(and(eq(waSessions.id, this.sessionId), eq(waSessions.leaseOwner, ownerId)));
    };
    this.writes = this.writes.then(write).catch((err) => this.deps.log.warn({ err: String(err) }, 'status not saved'));
  }

  private announce(status: SessionState): void {
    if (status === this.lastAnnounced) return;
    this.lastAnnounced = status;
    const event = sessionStatusEvent(this.sessionId, status, this.reason, this.phone, new Date());
    this.deps.queue(() => this.deps.outbox.enqueue(event));
  }

  /** Resolves once `ready()` holds, or fails with 503 after `timeoutMs`. */
  async waitFor(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (ready()) return;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!ready()) return;
        clearTimeout(timer);
        this.changes.off('change', check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.changes.off('change', check);
        reject(new HostError('UNAVAILABLE', `Timed out waiting for ${what}; the session is ${this.status}.`));
      }, timeoutMs);
      this.changes.on('change', check);
    });
  }

  /** Stops the outage timer and waits for the status writes already made. */
  async settle(): Promise<void> {
    clearTimeout(this.outageTimer);
    await this.writes;
  }
}
