/**
 * One linked number: its lease, its socket (re-made on every reconnect), its status, and the events
 * it turns into outbox rows. Everything a socket emits is handled in order, one at a time.
 */
import { EventEmitter } from 'node:events';
import { makeCacheableSignalKeyStore, type BaileysEventMap, type SignalKeyStore } from '@whiskeysockets/baileys';
import { and, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { waSessions } from '../drizzle/schema.ts';
import type { SessionState } from '../shared/contracts/wa-event.ts';
import type { Db } from '../shared/db.ts';
import { usePostgresAuthState, type PostgresAuthState } from './auth-state.ts';
import { HostError } from './http-errors.ts';
import { createLease, type Lease } from './lease.ts';
import { createMemoryCache } from './memory-cache.ts';
import {
  messageEvent,
  normalizeMessage,
  normalizeStatusUpdate,
  phoneOf,
  sessionStatusEvent,
  statusEvent,
  type MessageKind,
} from './normalize.ts';
import type { Outbox } from './outbox.ts';
import { decideOnClose, DEFAULT_RECONNECT_TUNING, type ReconnectTuning } from './reconnect-policy.ts';
import type { SentMessages } from './sent-messages.ts';
import { closeStatusCode, type HostSocket, type MakeSocket } from './socket-types.ts';

export type SessionTuning = {
  leaseTtlMs: number;
  leaseRenewMs: number;
  reconnect: ReconnectTuning;
  /** A drop shorter than this is not announced at all: reconnect churn would cost queue messages. */
  announceOutageAfterMs: number;
};

export const DEFAULT_SESSION_TUNING: SessionTuning = {
  leaseTtlMs: 30_000,
  leaseRenewMs: 10_000,
  reconnect: DEFAULT_RECONNECT_TUNING,
  announceOutageAfterMs: 30_000,
};

export type SessionDeps = {
  db: Db;
  /** Random per process: whose lease it is. */
  ownerId: string;
  outbox: Outbox;
  sent: SentMessages;
  makeSocket: MakeSocket;
  log: Logger;
  tuning: SessionTuning;
  /** 'failed' forwards only failed deliveries (each event is a queue message, and those cost). */
  statusEvents: 'failed' | 'all';
  forwardKinds: ReadonlySet<MessageKind>;
  printQr: boolean;
};

/** Statuses worth a queue message at once; an outage ('reconnecting') only once it lasts. */
const ANNOUNCED = new Set<SessionState>(['qr', 'open', 'logged_out', 'replaced', 'stopped']);
const RESTARTABLE = new Set<SessionState>(['logged_out', 'replaced', 'stopped']);

export class Session {
  readonly id: string;
  status: SessionState = 'not_linked';
  reason: string | null = null;
  phone: string | null = null;
  qr: string | null = null;
  private readonly deps: SessionDeps;
  private readonly log: Logger;
  private readonly lease: Lease;
  private readonly changes = new EventEmitter();
  /** Outlives sockets so retry counts survive reconnects. */
  private readonly retryCounter = createMemoryCache();
  private sock: HostSocket | undefined;
  private auth: { pg: PostgresAuthState; keys: SignalKeyStore } | undefined;
  private leased = false;
  private lastRenewal = 0;
  private stopping = false;
  private attempts = 0;
  private lastAnnounced: SessionState | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private outageTimer: NodeJS.Timeout | undefined;
  private leaseBusy: Promise<void> | undefined;
  private work: Promise<void> = Promise.resolve();
  private statusWrites: Promise<void> = Promise.resolve();

  constructor(id: string, deps: SessionDeps) {
    this.id = id;
    this.deps = deps;
    this.log = deps.log.child({ session: id });
    this.lease = createLease(deps.db, id, deps.ownerId, deps.tuning.leaseTtlMs);
    this.changes.setMaxListeners(100);
  }

  /** Takes the lease (or waits for it) and connects; lease renewal and retries run in the background. */
  async start(): Promise<void> {
    await this.leaseTick();
    this.leaseTimer = setInterval(() => void this.leaseTick(), this.deps.tuning.leaseRenewMs);
  }

  /** The socket, only while WhatsApp considers us connected. */
  openSocket(): HostSocket | undefined {
    return this.status === 'open' ? this.sock : undefined;
  }

  get holdsLease(): boolean {
    return this.leased;
  }

  private leaseTick(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.leaseBusy ??= this.leaseStep().finally(() => {
      this.leaseBusy = undefined;
    });
    return this.leaseBusy;
  }

  private async leaseStep(): Promise<void> {
    try {
      if (this.leased) {
        if (await this.lease.renew()) this.lastRenewal = Date.now();
        else this.loseLease('another socket-host took the lease');
      } else if (await this.lease.acquire()) {
        this.leased = true;
        this.lastRenewal = Date.now();
        this.log.info('lease acquired');
        if (!this.sock && !RESTARTABLE.has(this.status)) await this.connect();
      } else if (this.status !== 'connecting') {
        this.setStatus('connecting', 'waiting for the lease: another socket-host holds this number');
      }
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'lease: database unreachable');
      // Past the TTL another host may legitimately own the number: step back rather than risk two sockets.
      if (this.leased && Date.now() - this.lastRenewal > this.deps.tuning.leaseTtlMs) {
        this.loseLease('lease expired while the database was unreachable');
      }
    }
  }

  private loseLease(reason: string): void {
    if (this.stopping) return;
    this.log.warn({ reason }, 'lease lost; closing the socket');
    this.leased = false;
    this.detach();
    this.setStatus('connecting', `waiting for the lease: ${reason}`);
  }

  /** Stops listening to the current socket and closes it; its late events are ignored. */
  private detach(): void {
    clearTimeout(this.reconnectTimer);
    const sock = this.sock;
    this.sock = undefined;
    this.qr = null;
    if (sock) void sock.end(undefined).catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (!this.leased || this.stopping || this.sock) return;
    try {
      this.auth ??= await this.loadAuth();
    } catch (err) {
      this.log.warn({ err: errorText(err) }, 'could not read the auth state; retrying');
      this.scheduleConnect(this.deps.tuning.reconnect.baseDelayMs);
      return;
    }
    // The lease may have gone, or a stop begun, while the auth state was loading.
    if (!this.leased || this.stopping || this.sock) return;
    const { pg, keys } = this.auth;
    if (this.status !== 'reconnecting') this.setStatus('connecting', null);
    const sock = this.deps.makeSocket({
      auth: { creds: pg.state.creds, keys },
      logger: this.log.child({ lib: 'baileys' }, { level: this.log.isLevelEnabled('debug') ? 'debug' : 'warn' }),
      getMessage: (key) => this.deps.sent.getMessage(this.id, key),
      msgRetryCounterCache: this.retryCounter,
      // Stay "offline" so the team's phone keeps ringing for new messages.
      markOnlineOnConnect: false,
      syncFullHistory: false,
    });
    this.sock = sock;
    const mine = <T extends keyof BaileysEventMap>(event: T, handle: (arg: BaileysEventMap[T]) => void) =>
      sock.ev.on(event, (arg) => {
        if (this.sock === sock) handle(arg);
      });
    mine('creds.update', () => void pg.saveCreds().catch((err) => this.log.error({ err: errorText(err) }, 'creds not saved')));
    mine('connection.update', (u) => this.onConnection(sock, u));
    mine('messages.upsert', (u) => this.queue(() => this.onUpsert(u)));
    mine('messages.update', (u) => this.queue(() => this.onStatusUpdates(u)));
  }

  private async loadAuth() {
    const pg = await usePostgresAuthState(this.deps.db, this.id);
    return { pg, keys: makeCacheableSignalKeyStore(pg.state.keys, this.log.child({ lib: 'keys' }, { level: 'warn' })) };
  }

  private scheduleConnect(delayMs: number): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private onConnection(sock: HostSocket, u: BaileysEventMap['connection.update']): void {
    if (u.qr) {
      this.qr = u.qr;
      this.setStatus('qr', 'scan the QR code with WhatsApp, or ask for a pairing code');
      if (this.deps.printQr) void printQr(this.id, u.qr);
    }
    if (u.connection === 'open') {
      this.qr = null;
      this.attempts = 0;
      this.phone = phoneOf(sock.user?.id) ?? this.phone;
      this.setStatus('open', null);
    }
    if (u.connection === 'close') {
      this.sock = undefined;
      this.qr = null;
      const decision = decideOnClose(closeStatusCode(u.lastDisconnect?.error), this.attempts, this.deps.tuning.reconnect);
      this.attempts += 1;
      this.log.info({ decision }, 'socket closed');
      if (decision.action === 'reconnect') {
        this.setStatus('reconnecting', decision.reason);
        this.scheduleConnect(decision.delayMs);
      } else if (decision.clearAuth) {
        void this.forgetLink().then(() => this.setStatus(decision.status, decision.reason));
      } else {
        this.setStatus(decision.status, decision.reason);
      }
    }
  }

  private queue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err) => this.log.error({ err: errorText(err) }, 'event handling failed'));
  }

  private async onUpsert({ messages, type }: BaileysEventMap['messages.upsert']): Promise<void> {
    for (const msg of messages) {
      const n = normalizeMessage(msg, type, Math.floor(Date.now() / 1000));
      if (!n || !this.deps.forwardKinds.has(n.kind)) continue;
      // Our own /send comes back as a fromMe upsert: it is not the team taking over.
      if (n.fromMe && (await retrying(() => this.deps.sent.isOurs(this.id, n.waMessageId), () => this.stopping))) continue;
      await this.deps.outbox.enqueue(messageEvent(this.id, n, new Date()));
    }
  }

  private async onStatusUpdates(updates: BaileysEventMap['messages.update']): Promise<void> {
    for (const u of updates) {
      const s = normalizeStatusUpdate(u);
      if (!s || (this.deps.statusEvents === 'failed' && s.status !== 'failed')) continue;
      await this.deps.outbox.enqueue(statusEvent(this.id, s, new Date()));
    }
  }

  private setStatus(status: SessionState, reason: string | null): void {
    if (status === this.status && reason === this.reason) return;
    const previous = this.status;
    this.status = status;
    this.reason = reason;
    this.log.info({ status, reason }, 'session status');
    this.changes.emit('change');
    if (!this.leased) return;
    const { phone } = this;
    const write = () =>
      this.deps.db
        .update(waSessions)
        .set({ status, statusReason: reason, phone: sql`coalesce(${phone}, ${waSessions.phone})`, updatedAt: sql`now()` })
        .where(and(eq(waSessions.id, this.id), eq(waSessions.leaseOwner, this.deps.ownerId)))
        .then(() => undefined);
    this.statusWrites = this.statusWrites.then(write).catch((err) => this.log.warn({ err: errorText(err) }, 'status not saved'));
    if (status === 'reconnecting' && previous === 'open') {
      clearTimeout(this.outageTimer);
      this.outageTimer = setTimeout(() => {
        if (this.status === 'reconnecting' || this.status === 'connecting') this.announce('reconnecting');
      }, this.deps.tuning.announceOutageAfterMs);
    }
    if (ANNOUNCED.has(status)) this.announce(status);
  }

  private announce(status: SessionState): void {
    if (status === this.lastAnnounced) return;
    this.lastAnnounced = status;
    const event = sessionStatusEvent(this.id, status, this.reason, this.phone, new Date());
    this.queue(() => this.deps.outbox.enqueue(event));
  }

  private async forgetLink(): Promise<void> {
    const auth = this.auth ?? (await this.loadAuth().catch(() => undefined));
    this.auth = undefined;
    this.phone = null;
    await retrying(() => auth?.pg.clear() ?? Promise.resolve(), () => this.stopping).catch((err) =>
      this.log.error({ err: errorText(err) }, 'auth state not cleared'),
    );
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

  /** Links again after a logout, a replacement or a stop. */
  async restart(): Promise<void> {
    if (!this.leased) throw new HostError('CONFLICT', 'Another socket-host holds this number.');
    if (this.sock || !RESTARTABLE.has(this.status)) return;
    this.attempts = 0;
    this.lastAnnounced = undefined;
    await this.connect();
  }

  /** Asks WhatsApp for an 8-character code to type on the phone instead of scanning the QR. */
  async pairingCode(phone: string, timeoutMs = 20_000): Promise<string> {
    if (this.status === 'open') throw new HostError('CONFLICT', 'This number is already linked; log out first.');
    await this.restart();
    await this.waitFor(() => this.qr !== null, timeoutMs, 'the socket to be ready for pairing');
    const sock = this.sock;
    if (!sock) throw new HostError('UNAVAILABLE', 'The socket closed before pairing; try again.');
    return await sock.requestPairingCode(phone);
  }

  /** Unlinks the device on WhatsApp's side (when connected) and forgets the auth state. */
  async logout(): Promise<void> {
    if (!this.leased) throw new HostError('CONFLICT', 'Another socket-host holds this number.');
    const sock = this.sock;
    clearTimeout(this.reconnectTimer);
    this.sock = undefined;
    this.qr = null;
    if (sock) {
      await sock.logout().catch((err) => this.log.warn({ err: errorText(err) }, 'logout request failed'));
      await sock.end(undefined).catch(() => undefined);
    }
    await this.forgetLink();
    this.setStatus('logged_out', 'logged out on request; link again with a QR code or pairing code');
  }

  /** Closes the socket (the link is kept for the next start), frees the lease and settles writes. */
  async stop(): Promise<void> {
    clearInterval(this.leaseTimer);
    clearTimeout(this.outageTimer);
    this.stopping = true;
    await this.leaseBusy;
    this.detach();
    if (this.leased && !RESTARTABLE.has(this.status)) this.setStatus('stopped', 'socket-host stopped');
    // Bounded: with the database down, pending event writes must not hold the process forever.
    await Promise.race([this.work, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.statusWrites;
    if (this.leased) await this.lease.release().catch((err) => this.log.warn({ err: errorText(err) }, 'lease not released'));
    this.leased = false;
  }
}

async function printQr(sessionId: string, qr: string): Promise<void> {
  const art = await QRCode.toString(qr, { type: 'terminal', small: true });
  process.stdout.write(`\nWhatsApp session "${sessionId}": scan with WhatsApp → Linked devices → Link a device\n${art}\n`);
}

/** Retries a database read or write until it works; events must not be dropped for a blip. */
async function retrying<T>(fn: () => Promise<T>, stopped: () => boolean): Promise<T> {
  let delay = 500;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (stopped()) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(30_000, delay * 2);
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
