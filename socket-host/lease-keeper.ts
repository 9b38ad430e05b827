/**
 * Keeps a session's lease: takes it when free, renews it on a timer, and tells the session when it
 * was gained or lost. Losing it (or being unable to renew past its expiry) must close the socket,
 * because from then on another host may rightfully open one.
 */
import type { Logger } from 'pino';
import type { Lease } from './lease.ts';

export type LeaseEvents = {
  acquired(): Promise<void>;
  lost(reason: string): void;
  /** Another host holds it; we keep trying on every tick. */
  waiting(): void;
};

export class LeaseKeeper {
  held = false;
  private readonly lease: Lease;
  private readonly ttlMs: number;
  private readonly on: LeaseEvents;
  private readonly log: Logger;
  private lastRenewal = 0;
  private busy: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(lease: Lease, ttlMs: number, on: LeaseEvents, log: Logger) {
    this.lease = lease;
    this.ttlMs = ttlMs;
    this.on = on;
    this.log = log;
  }

  /** One attempt now, then one per `renewMs`. */
  async start(renewMs: number): Promise<void> {
    await this.tick();
    if (!this.stopped) this.timer = setInterval(() => void this.tick(), renewMs);
  }

  /** Single-flight: a slow database never stacks up overlapping attempts. */
  tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.busy ??= this.step().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  private async step(): Promise<void> {
    try {
      if (this.held) {
        if (await this.lease.renew()) this.lastRenewal = Date.now();
        else this.lose('another socket-host took the lease');
      } else if (await this.lease.acquire()) {
        this.held = true;
        this.lastRenewal = Date.now();
        this.log.info('lease acquired');
        await this.on.acquired();
      } else {
        this.on.waiting();
      }
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'lease: database unreachable');
      // Past the TTL another host may legitimately own the number: step back rather than risk two sockets.
      if (this.held && Date.now() - this.lastRenewal > this.ttlMs) this.lose('lease expired while the database was unreachable');
    }
  }

  private lose(reason: string): void {
    if (this.stopped) return;
    this.log.warn({ reason }, 'lease lost');
    this.held = false;
    this.on.lost(reason);
  }

  /** Stops renewing; `release()` afterwards hands the number over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.busy;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.lease.release();
  }
}
