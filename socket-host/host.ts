/**
 * Starts the socket-host: one Session per number (the WA_SESSIONS seed and those added through the
 * API), the outbox drain and the HTTP server.
 * `main.ts`, the local stack and the tests all start it through here.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@upstash/qstash';
import { makeWASocket } from '@whiskeysockets/baileys';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import type { SocketHostConfig } from '../shared/config/socket-host-config.ts';
import { ConfigError } from '../shared/config/parse-env.ts';
import { createDb } from '../shared/db.ts';
import type { MessageKind } from './normalize.ts';
import { createLeasePool } from './lease-pool.ts';
import { createMediaDownloader } from './outbound-media.ts';
import { createOutbox, type OutboxTuning } from './outbox.ts';
import type { MediaUploader } from './playground-media.ts';
import { createPlaygroundSockets, type PlaygroundSockets } from './playground-socket.ts';
import { createSender, type Sender, type SendTuning } from './send.ts';
import { sentryLogHooks } from './sentry.ts';
import { createSentMessages } from './sent-messages.ts';
import { retrying } from './event-forwarder.ts';
import { createServer } from './server.ts';
import { createSessionRegistry, readAddedSessionIds } from './session-registry.ts';
import { DEFAULT_SESSION_TUNING, Session, type SessionTuning } from './session.ts';
import type { MakeSocket } from './socket-types.ts';
import { createSendThrottle, DEFAULT_THROTTLE_TUNING, type ThrottleTuning } from './throttle.ts';

export const PLAYGROUND_SESSION_ID = 'playground';

/**
 * Each forwarded message costs a queue message, so only what the functions use leaves the host: direct
 * chats (the team's own replies from the phone included), and groups when WA_FORWARD_GROUPS says the
 * agent answers there. Status posts, broadcast lists and channels never reach the agent.
 */
export function forwardedKinds(config: Pick<SocketHostConfig, 'WA_FORWARD_GROUPS'>): MessageKind[] {
  return config.WA_FORWARD_GROUPS ? ['direct', 'group'] : ['direct'];
}

export type HostTuning = {
  session: Partial<SessionTuning>;
  outbox: Partial<OutboxTuning>;
  throttle: Partial<ThrottleTuning>;
  send: Partial<SendTuning>;
  /** How often a host catches up with numbers added or removed through other replicas (registry.sync). */
  registrySyncMs: number;
};

const DEFAULT_REGISTRY_SYNC_MS = 15_000;

export type SocketHostOptions = {
  config: SocketHostConfig;
  /** The WhatsApp boundary; Baileys' makeWASocket unless a test or the playground gives another. */
  makeSocket?: MakeSocket;
  log?: Logger;
  /** Local mode: add a `playground` session backed by the in-process playground socket. */
  playground?: boolean;
  /** The stand-in of WhatsApp's media servers the playground socket uploads customers' files to. */
  mediaCdn?: MediaUploader;
  /** 'failed' (default) forwards only failed deliveries; 'all' every status change. */
  statusEvents?: 'failed' | 'all';
  forwardKinds?: readonly MessageKind[];
  /** Print QR codes to the terminal (default true). */
  printQr?: boolean;
  /** Bind address; 0.0.0.0 in cloud mode (containers), 127.0.0.1 locally. */
  hostname?: string;
  tuning?: Partial<HostTuning>;
};

export type SocketHost = {
  url: string;
  port: number;
  sessions: Map<string, Session>;
  /** The send queues behind /send. */
  sender: Sender;
  outbox: ReturnType<typeof createOutbox>;
  /** Set when started with `playground: true`. */
  playground: PlaygroundSockets | undefined;
  stop(): Promise<void>;
};

const statusEventsSetting = z.enum(['failed', 'all']).default('failed');

/**
 * WA_STATUS_EVENTS: from the validated config once shared config carries it, else from the
 * environment; anything but failed|all is a configuration error.
 */
export function readStatusEvents(config: object, env: Record<string, string | undefined> = process.env): 'failed' | 'all' {
  const raw = (config as { WA_STATUS_EVENTS?: unknown }).WA_STATUS_EVENTS ?? (env.WA_STATUS_EVENTS?.trim() || undefined);
  const parsed = statusEventsSetting.safeParse(raw);
  if (!parsed.success) throw new ConfigError(['WA_STATUS_EVENTS must be "failed" or "all"']);
  return parsed.data;
}

export async function startSocketHost(options: SocketHostOptions): Promise<SocketHost> {
  const { config } = options;
  // The hooks report failures once main.ts started Sentry (SENTRY_DSN); otherwise they only log.
  const log = options.log ?? pino({ level: config.LOG_LEVEL, hooks: sentryLogHooks() });
  const statusEvents = options.statusEvents ?? readStatusEvents(config);
  const db = createDb(config.DATABASE_URL, config.DATABASE_HTTP_URL);
  const sent = createSentMessages(db);
  const playground = options.playground ? createPlaygroundSockets({ mediaCdn: options.mediaCdn }) : undefined;
  // The seed: WA_SESSIONS (and the playground). Numbers added through the API join it below.
  const seeds = new Set([...config.WA_SESSIONS, ...(playground ? [PLAYGROUND_SESSION_ID] : [])]);
  const sessions = new Map<string, Session>();

  const qstash = new Client({
    baseUrl: config.QSTASH_URL,
    token: config.QSTASH_TOKEN,
    // The outbox retries with its own backoff and records each failure; no hidden SDK retries or dev server.
    retry: false,
    devMode: false,
    enableTelemetry: false,
  });
  const outbox = createOutbox({
    db,
    qstash,
    // Appended, not resolved: a PUBLIC_URL with a path prefix (behind a proxy) must keep it.
    destination: `${config.PUBLIC_URL.replace(/\/+$/, '')}/hooks/whatsapp`,
    // Live: only the numbers this host holds now. In a pool every replica knows every number, and a
    // number's events are published by its holder alone (a takeover drains what the last one left).
    sessionIds: { [Symbol.iterator]: () => [...sessions.values()].filter((s) => s.holdsLease).map((s) => s.id)[Symbol.iterator]() },
    log: log.child({ part: 'outbox' }),
    tuning: options.tuning?.outbox,
  });

  const ownerId = `${process.pid}-${randomUUID()}`;
  // WA_LEASE_SECONDS trades takeover time after a crash against keeping the database awake (README).
  const leaseTtlMs = config.WA_LEASE_SECONDS * 1000;
  const sessionTuning = {
    ...DEFAULT_SESSION_TUNING,
    leaseTtlMs,
    leaseRenewMs: Math.round(leaseTtlMs / 3),
    ...options.tuning?.session,
  };
  // A replica of a pool claims numbers while it has room; each one it takes may come with events and
  // sends its previous holder (a crashed replica) accepted but did not finish: the session starts the
  // outbox's drain once it holds the number, and its send queue reloads its queued sends when its socket opens.
  const pool = createLeasePool({ maxSessions: config.WA_MAX_SESSIONS_PER_HOST, ownerUrl: config.SOCKET_HOST_PUBLIC_URL });
  const forwardKinds = new Set(options.forwardKinds ?? forwardedKinds(config));
  const newSession = (id: string) => {
    const makeSocket =
      playground && id === PLAYGROUND_SESSION_ID ? playground.makeSocket : (options.makeSocket ?? makeWASocket);
    return new Session(id, {
      db,
      ownerId,
      outbox,
      sent,
      makeSocket,
      log,
      tuning: sessionTuning,
      statusEvents,
      forwardKinds,
      printQr: options.printQr ?? true,
      pool,
      seed: seeds.has(id),
    });
  };
  for (const id of seeds) sessions.set(id, newSession(id));
  // A database that cannot answer now must not keep the seed from starting: the added numbers follow
  // as soon as it answers (below).
  const added = await readAddedSessionIds(db).catch((err) => {
    log.warn({ err: String(err) }, 'numbers added through the API not read yet; retrying');
    return undefined;
  });
  for (const id of added ?? []) if (!sessions.has(id)) sessions.set(id, newSession(id));

  const throttleTuning = { ...DEFAULT_THROTTLE_TUNING, ...options.tuning?.throttle };
  // One throttle per process: replies and the integrators' direct sends share each number's pace.
  const throttle = createSendThrottle(throttleTuning);
  const sender = createSender({
    sessions,
    sent,
    downloadMedia: createMediaDownloader({ publicUrl: config.PUBLIC_URL, signingKey: config.QSTASH_CURRENT_SIGNING_KEY }),
    outbox,
    throttle,
    throttleTuning,
    tuning: options.tuning?.send,
    log,
  });
  const registry = createSessionRegistry({ db, sessions, seeds, newSession, sender, log });
  const app = createServer({
    sessions,
    registry,
    outbox,
    send: sender.send,
    signingKeys: { current: config.QSTASH_CURRENT_SIGNING_KEY, next: config.QSTASH_NEXT_SIGNING_KEY },
    log,
    commands: { db, sent, throttle },
    playground: playground ? { sessionId: PLAYGROUND_SESSION_ID, sockets: playground } : undefined,
  });

  const hostname = options.hostname ?? (config.MODE === 'cloud' ? '0.0.0.0' : '127.0.0.1');
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.listenPort, hostname }, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;

  outbox.start();
  sender.start();
  await Promise.all([...sessions.values()].map((s) => s.start()));
  log.info({ port, sessions: [...sessions.keys()] }, 'socket-host started');

  let stopping: Promise<void> | undefined;
  const syncing = setInterval(() => {
    if (stopping) return;
    registry.sync().catch((err: unknown) => log.warn({ err: String(err) }, 'numbers added or removed elsewhere not read; next time'));
  }, options.tuning?.registrySyncMs ?? DEFAULT_REGISTRY_SYNC_MS);
  syncing.unref();
  if (!added) {
    void retrying(() => readAddedSessionIds(db), () => stopping !== undefined)
      .then((ids) => (stopping ? undefined : registry.addStored(ids)))
      .catch((err) => log.error({ err: String(err) }, 'numbers added through the API not started'));
  }
  return {
    url: `http://${hostname === '0.0.0.0' ? '127.0.0.1' : hostname}:${port}`,
    port,
    sessions,
    sender,
    outbox,
    playground,
    stop() {
      stopping ??= (async () => {
        clearInterval(syncing);
        // The send in progress finishes first; what is still queued stays in the table for the next start.
        await sender.stop();
        await Promise.all([...sessions.values()].map((s) => s.stop()));
        await outbox.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        log.info('socket-host stopped');
      })();
      return stopping;
    },
  };
}
