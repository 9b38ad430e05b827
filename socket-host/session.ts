/**
 * One linked number: its socket (re-made on every reconnect, only while we hold the lease), what the
 * reconnect policy says on each close, and the linking operations. Everything a socket emits is
 * handled in order, one at a time, by the event forwarder.
 */
import { EventEmitter } from 'node:events';
import { makeCacheableSignalKeyStore, type BaileysEventMap, type SignalKeyStore } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { SessionState } from '../shared/contracts/wa-event.ts';
import type { Db } from '../shared/db.ts';
import { usePostgresAuthState, type PostgresAuthState } from './auth-state.ts';
import { createEventForwarder, retrying, type ForwarderDeps } from './event-forwarder.ts';
import { HostError } from './http-errors.ts';
import { createLease } from './lease.ts';
import { LeaseKeeper } from './lease-keeper.ts';
import type { LeasePool } from './lease-pool.ts';
import { createMemoryCache } from './memory-cache.ts';
import { phoneOf } from './normalize.ts';
import { loadQrCode } from './qr-code.ts';
import { decideOnClose, DEFAULT_RECONNECT_TUNING, describeClose, type ReconnectTuning } from './reconnect-policy.ts';
import { closeStatusCode, type HostSocket, type MakeSocket } from './socket-types.ts';
import { StatusBoard } from './status-board.ts';

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

export type SessionDeps = ForwarderDeps & {
  db: Db;
  /** Random per process: whose lease it is. */
  ownerId: string;
  makeSocket: MakeSocket;
  log: Logger;
  tuning: SessionTuning;
  printQr: boolean;
  /** This host's share of a pool of replicas (its cap, its address); none: no cap. */
  pool?: LeasePool;
  /** From WA_SESSIONS (its lease makes its row); false: added through the API (see createLease). Default true. */
  seed?: boolean;
};

/** Stopped states: only a person (POST /sessions/:id/start, pairing) brings them back. */
const RESTARTABLE = new Set<SessionState>(['logged_out', 'replaced', 'stopped']);

/** A session as a person (the dev terminal) or the functions (the /v1 sessions routes) need to see it. */
export type SessionView = {
  id: string;
  status: SessionState;
  phone: string | null;
  reason: string | null;
  /** Why the last connection closed (the network error, or WhatsApp's reason), until it opens again. */
  cause: string | null;
  /** When the next reconnect is due, while waiting to reconnect. */
  retryAt: Date | null;
};

export class Session {
  readonly id: string;
  qr: string | null = null;
  private readonly deps: SessionDeps;
  private readonly log: Logger;
  private readonly board: StatusBoard;
  private readonly keeper: LeaseKeeper;
  private readonly forward: ReturnType<typeof createEventForwarder>;
  /** Outlives sockets so retry counts survive reconnects (else a decryption retry loop never ends). */
  private readonly retryCounter = createMemoryCache();
  private sock: HostSocket | undefined;
  private auth: { pg: PostgresAuthState; keys: SignalKeyStore } | undefined;
  private stopping = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private work: Promise<void> = Promise.resolve();
  private lastClose: { code: number | undefined; cause: string } | null = null;
  private retryAt: Date | null = null;
  private readonly changes = new EventEmitter();

  constructor(id: string, deps: SessionDeps) {
    this.id = id;
    this.deps = deps;
    this.log = deps.log.child({ session: id });
    this.forward = createEventForwarder(
      id,
      { ...deps, phoneJidOfLid: async (lid) => (await this.sock?.signalRepository.lidMapping.getPNForLID(lid)) ?? null },
      () => this.stopping,
    );
    this.board = new StatusBoard(id, {
      ...deps,
      log: this.log,
      announceOutageAfterMs: deps.tuning.announceOutageAfterMs,
      mayWrite: () => this.keeper.held,
      queue: (task) => this.queue(task),
    });
    const lease = createLease(deps.db, id, deps.ownerId, deps.tuning.leaseTtlMs, { pool: deps.pool, createsRow: deps.seed ?? true });
    this.keeper = new LeaseKeeper(
      lease,
      deps.tuning.leaseTtlMs,
      {
        acquired: async () => {
          // What a previous holder (a crashed replica) left in the outbox for this number goes out now.
          // Here, not when the lease row is won: the drain reads the numbers held, and this one is only
          // held from this point on; a drain started earlier could miss its rows and leave them behind.
          deps.outbox.start();
          if (!this.sock && !RESTARTABLE.has(this.status)) await this.connect();
        },
        lost: (reason) => {
          this.detach();
          this.setStatus('connecting', `waiting for the lease: ${reason}`);
        },
        waiting: () => this.setStatus('connecting', 'waiting for the lease: another socket-host holds this number'),
      },
      this.log,
    );
  }

  get status(): SessionState {
    return this.board.status;
  }
  get reason(): string | null {
    return this.board.reason;
  }
  get phone(): string | null {
    return this.board.phone;
  }
  get holdsLease(): boolean {
    return this.keeper.held;
  }

  view(): SessionView {
    return {
      id: this.id,
      status: this.status,
      phone: this.phone,
      reason: this.reason,
      cause: this.lastClose?.cause ?? null,
      retryAt: this.status === 'reconnecting' ? this.retryAt : null,
    };
  }

  /** Called on every status change and every scheduled reconnect; returns the unsubscribe. */
  onChange(listener: (view: SessionView) => void): () => void {
    this.changes.on('change', listener);
    return () => void this.changes.off('change', listener);
  }

  /** WhatsApp's servers cannot be reached right now: the last connection failed and a retry is pending. */
  get whatsappUnreachable(): boolean {
    return this.status === 'reconnecting' && this.lastClose !== null && this.lastClose.code !== 515;
  }

  /** This number is linked (the phone accepted this device), whether or not it is connected now. */
  get linked(): boolean {
    // A QR code on show means WhatsApp itself wants a link, whatever an earlier link left behind.
    if (this.qr) return false;
    return this.status === 'open' || this.phone !== null || this.auth?.pg.state.creds.account !== undefined;
  }

  private setStatus(status: SessionState, reason: string | null, evenIfUnchanged = false): void {
    const changed = status !== this.board.status || reason !== this.board.reason;
    this.board.set(status, reason);
    if (changed || evenIfUnchanged) this.changes.emit('change', this.view());
  }

  /** Takes the lease (or keeps trying in the background) and connects when it has it. */
  async start(): Promise<void> {
    await this.keeper.start(this.deps.tuning.leaseRenewMs);
  }

  /** The socket, only while WhatsApp considers us connected. */
  openSocket(): HostSocket | undefined {
    return this.status === 'open' ? this.sock : undefined;
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
    if (!this.keeper.held || this.stopping || this.sock) return;
    try {
      this.auth ??= await this.loadAuth();
    } catch (err) {
      this.log.warn({ err: String(err) }, 'could not read the auth state; retrying');
      this.scheduleConnect(this.deps.tuning.reconnect.baseDelayMs);
      return;
    }
    // The lease may have gone, or a stop begun, while the auth state was loading.
    if (!this.keeper.held || this.stopping || this.sock) return;
    const { pg, keys } = this.auth;
    this.retryAt = null;
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
    mine('creds.update', () => void pg.saveCreds().catch((err) => this.log.error({ err: String(err) }, 'creds not saved')));
    mine('connection.update', (u) => this.onConnection(sock, u));
    mine('messages.upsert', (u) => this.queue(() => this.forward.upsert(u)));
    mine('messages.update', (u) => this.queue(() => this.forward.statuses(u)));
    mine('lid-mapping.update', (m) => this.queue(() => this.forward.mapping(m)));
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
      this.lastClose = null;
      this.setStatus('qr', 'scan the QR code with WhatsApp, or ask for a pairing code');
      this.board.touch();
      if (this.deps.printQr) void printQr(this.id, u.qr);
    }
    if (u.connection === 'open') {
      this.qr = null;
      this.attempts = 0;
      this.lastClose = null;
      this.board.phone = phoneOf(sock.user?.id) ?? this.board.phone;
      this.setStatus('open', null);
    }
    if (u.connection === 'close') {
      this.sock = undefined;
      this.qr = null;
      const code = closeStatusCode(u.lastDisconnect?.error);
      const decision = decideOnClose(code, this.attempts, this.deps.tuning.reconnect);
      this.attempts += 1;
      this.lastClose = { code, cause: closeCause(code, u.lastDisconnect?.error) };
      this.log.info({ decision, cause: this.lastClose.cause }, 'socket closed');
      if (decision.action === 'reconnect') {
        this.retryAt = new Date(Date.now() + decision.delayMs);
        this.scheduleConnect(decision.delayMs);
        // Every failed attempt is news to whoever watches (the dev terminal says when the next one is).
        this.setStatus('reconnecting', decision.reason, true);
      } else if (decision.clearAuth) {
        void this.forgetLink().then(() => this.setStatus(decision.status, decision.reason));
      } else {
        this.setStatus(decision.status, decision.reason);
      }
    }
  }

  private queue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err) => this.log.error({ err: String(err) }, 'event handling failed'));
  }

  private async forgetLink(): Promise<void> {
    const auth = this.auth ?? (await this.loadAuth().catch(() => undefined));
    this.auth = undefined;
    this.board.phone = null;
    await retrying(() => auth?.pg.clear() ?? Promise.resolve(), () => this.stopping).catch((err) =>
      this.log.error({ err: String(err) }, 'auth state not cleared'),
    );
  }

  /** Links again after a logout, a replacement or a stop. */
  async restart(): Promise<void> {
    if (!this.keeper.held) throw new HostError('CONFLICT', 'Another socket-host holds this number.');
    // Waiting out a reconnect backoff (WhatsApp unreachable): try now rather than at the scheduled time.
    if (!this.sock && this.status === 'reconnecting') {
      clearTimeout(this.reconnectTimer);
      await this.connect();
      return;
    }
    if (this.sock || !RESTARTABLE.has(this.status)) return;
    this.attempts = 0;
    this.lastClose = null;
    this.board.resetAnnouncements();
    await this.connect();
  }

  /** The QR code to scan, or an error that says why there is none (linked, unreachable, stopped, not yet). */
  currentQr(): string {
    if (this.qr) return this.qr;
    if (this.linked) throw this.alreadyLinked('no QR code is needed');
    if (this.whatsappUnreachable) throw this.unreachable();
    if (RESTARTABLE.has(this.status)) {
      throw new HostError('NO_QR_CODE', `No QR code: the session is ${this.status} (${this.reason ?? 'no reason given'}); restart it (POST /v1/sessions/${this.id}/restart), then ask for the QR code again.`);
    }
    throw new HostError('NO_QR_CODE', `No QR code yet: the session is ${this.status}${this.reason ? ` (${this.reason})` : ''}; WhatsApp sends one a few seconds after the socket connects.`, { 'Retry-After': '2' });
  }

  private alreadyLinked(consequence: string): HostError {
    const as = this.phone ? ` to +${this.phone}` : '';
    const now = this.status === 'open' ? 'connected' : `${this.status}${this.whatsappUnreachable ? ` (${this.unreachableWords()})` : ''}`;
    return new HostError('ALREADY_LINKED', `This number is already linked${as} and ${now}, so ${consequence}; to link another phone, log out first (POST /v1/sessions/${this.id}/logout).`);
  }

  private unreachableWords(): string {
    const seconds = this.retryAt ? Math.max(1, Math.ceil((this.retryAt.getTime() - Date.now()) / 1000)) : undefined;
    return `cannot reach WhatsApp: ${this.lastClose?.cause ?? 'connection closed'}${seconds ? `; retrying in ${seconds} s` : ''}`;
  }

  private unreachable(): HostError {
    const seconds = this.retryAt ? Math.max(1, Math.ceil((this.retryAt.getTime() - Date.now()) / 1000)) : 5;
    return new HostError('WHATSAPP_UNREACHABLE', `The socket-host ${this.unreachableWords()}.`, { 'Retry-After': String(seconds) });
  }

  /** Asks WhatsApp for an 8-character code to type on the phone instead of scanning the QR. */
  async pairingCode(phone: string, timeoutMs = 20_000): Promise<string> {
    if (this.linked) throw this.alreadyLinked('a pairing code cannot link it again');
    if (this.whatsappUnreachable) throw this.unreachable();
    await this.restart();
    // Ends early when WhatsApp turns out unreachable: no QR (hence no pairing) can come then.
    await this.board.waitFor(() => this.qr !== null || this.whatsappUnreachable, timeoutMs, 'the socket to be ready for pairing');
    if (this.whatsappUnreachable) throw this.unreachable();
    const sock = this.sock;
    if (!sock) throw new HostError('UNAVAILABLE', 'The socket closed before pairing; try again.');
    return await sock.requestPairingCode(phone);
  }

  /** Unlinks the device on WhatsApp's side (when connected) and forgets the auth state. */
  async logout(): Promise<void> {
    if (!this.keeper.held) throw new HostError('CONFLICT', 'Another socket-host holds this number.');
    const sock = this.sock;
    clearTimeout(this.reconnectTimer);
    this.sock = undefined;
    this.qr = null;
    if (sock) {
      await sock.logout().catch((err) => this.log.warn({ err: String(err) }, 'logout request failed'));
      await sock.end(undefined).catch(() => undefined);
    }
    await this.forgetLink();
    this.lastClose = null;
    this.setStatus('logged_out', 'logged out on request; link again with a QR code or pairing code');
  }

  /** Closes the socket (the link is kept for the next start), frees the lease and settles writes. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.keeper.stop();
    this.detach();
    if (this.keeper.held && !RESTARTABLE.has(this.status)) this.setStatus('stopped', 'socket-host stopped');
    // Bounded: with the database down, pending event writes must not hold the process forever.
    await Promise.race([this.work, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    await this.board.settle();
    await this.keeper.release().catch((err) => this.log.warn({ err: String(err) }, 'lease not released'));
  }
}

/** The network error behind a close ("getaddrinfo ENOTFOUND web.whatsapp.com"), else the close's name. */
function closeCause(code: number | undefined, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  // Baileys wraps socket errors as `WebSocket Error (<the error's message>)`.
  const inner = /^WebSocket Error \((.+)\)$/s.exec(message)?.[1];
  return inner && inner !== 'undefined' ? inner : describeClose(code);
}

async function printQr(sessionId: string, qr: string): Promise<void> {
  const art = await (await loadQrCode()).toString(qr, { type: 'terminal', small: true });
  process.stdout.write(`\nWhatsApp session "${sessionId}": scan with WhatsApp → Linked devices → Link a device\n${art}\n`);
}
