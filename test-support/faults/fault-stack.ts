/**
 * The real stack with every process killable: a private PostgreSQL and Redis (restartable without
 * touching the shared ones), the stand-ins, the functions and the socket-host each in a process of its
 * own, the fake model composing for 1–3 s, and WhatsApp's side here in the test process: the customers'
 * messages go in, and every message the socket-host sends is recorded as WhatsApp received it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateDatabase } from '../../drizzle/migrate.ts';
import { saveSettings } from '../../functions/agent/settings.ts';
import { freePort } from '../../local/free-port.ts';
import { standInEnv } from '../../shared/config/local-defaults.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { createDb } from '../../shared/db.ts';
import { eventually } from '../eventually.ts';
import { startFakeOpenAI, textOf, type ChatRequest } from '../fake-openai.ts';
import { startPrivatePostgres } from '../private-postgres.ts';
import { startPrivateRedis } from '../private-redis.ts';
import { SuiteProcess } from './child-process.ts';
import type { HostReport } from './socket-host-process.ts';
import { modelDelayMs } from './timings.ts';

export type Written = { id: string; from: string; text: string };
export type Received = { id: string; to: string; text: string; at: number };

/** The model answers each customer message with a text naming it, so every reply is traceable. */
export const replyTo = (text: string) => `Answer to ${text}`;
/** Customer texts look like `c07 m2` (customer 7, second message). */
const TOKEN = /\bc\d+ m\d+\b/;
const lastCustomerText = (req: ChatRequest) => textOf(req.messages.findLast((m) => m.role === 'user')?.content).match(TOKEN)?.[0] ?? '';

export async function startFaultStack() {
  const logDir = mkdtempSync(join(tmpdir(), 'faults-'));
  const [postgres, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis()]);
  const model = await startFakeOpenAI((req) => replyTo(lastCustomerText(req)), { delayMs: (req) => modelDelayMs(lastCustomerText(req)) });
  const [services, functionsPort, socketHostPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    ...standInEnv({ services, functions: functionsPort, socketHost: socketHostPort }),
    AI_BASE_URL: model.baseUrl,
    AI_API_KEY: 'fake',
    AI_MODEL: 'fake-model',
    WA_SESSIONS: 'default',
    LOG_LEVEL: 'info',
  };

  // ---- WhatsApp's side ---------------------------------------------------------------------------
  const received: Received[] = [];
  const written: Written[] = [];
  const typingListeners = new Set<() => void>();
  const onHostMessage = (m: HostReport, send: (m: unknown) => boolean) => {
    if ('event' in m && m.event === 'sent') {
      received.push({ id: m.id, to: m.to, text: m.text, at: Date.now() });
      send({ ackOf: m.ack });
    }
    if ('event' in m && m.event === 'typing') for (const listener of typingListeners) listener();
  };

  const child = (name: string, file: string, extra: Record<string, string> = {}) =>
    new SuiteProcess({
      name,
      warmSpare: name !== 'stand-ins',
      entry: new URL(file, import.meta.url),
      env: { FAULTS_ENV: JSON.stringify(env), ...extra },
      logFile: join(logDir, `${name}.log`),
      onMessage: (m, proc) => onHostMessage(m as HostReport, (x) => proc.send(x as object)),
    });
  const standIns = child('stand-ins', './stand-ins-process.ts', {
    FAULTS_PORT: String(services),
    FAULTS_DATABASE_URL: postgres.url,
    FAULTS_REDIS_URL: redis.url,
  });
  const functions = child('functions', './functions-process.ts', { FAULTS_PORT: String(functionsPort) });
  const socketHost = child('socket-host', './socket-host-process.ts');

  await standIns.start();
  const db = createDb(env.DATABASE_URL!, env.DATABASE_HTTP_URL);
  await migrateDatabase(db);
  // A short burst window: each customer message here stands alone, and the wait is not the point.
  await saveSettings(db, { burstWindowMs: 300 });
  await Promise.all([functions.start(), socketHost.start()]);

  // Read straight from the private PostgreSQL (not through the stand-ins) for the suite's own checks.
  const direct = new pg.Pool({ connectionString: postgres.url, max: 2 });
  direct.on('error', () => undefined);
  const storedInbound = async (): Promise<Set<string>> => {
    const { rows } = await direct.query<{ id: string }>(`select wa_message_id as id from messages where direction = 'in'`);
    return new Set(rows.map((r) => r.id));
  };

  /**
   * Hands a customer message to the linked device, waiting for a socket-host that is up. WhatsApp
   * keeps a message until the device has it: when the host dies first, `redeliver` sends it again.
   */
  async function deliverToDevice(m: Written): Promise<void> {
    await eventually(async () => {
      await socketHost.request({ cmd: 'inject', from: m.from, text: m.text, id: m.id });
      return true;
    }, `the socket-host to take ${m.text}`, 60_000);
  }

  let nextId = 0;
  return {
    logDir,
    model,
    postgres,
    redis,
    processes: { standIns, functions, socketHost },
    received,
    written,
    /** A customer writes (a real WhatsApp message id; the same id if WhatsApp has to redeliver it). */
    async customerWrites(from: string, text: string): Promise<Written> {
      const m = { id: `3EB0${(nextId++).toString(16).padStart(4, '0')}${Math.random().toString(16).slice(2, 14).toUpperCase()}`, from, text };
      written.push(m);
      await deliverToDevice(m);
      return m;
    },
    /**
     * After a socket-host crash: everything written that the functions have not stored yet comes again
     * (a message the dead host had taken but not yet put in its outbox is the one WhatsApp redelivers).
     */
    async redeliver(): Promise<number> {
      const stored = await eventually(() => storedInbound().catch(() => undefined), 'the database to answer', 30_000);
      const missing = written.filter((m) => !stored.has(m.id));
      for (const m of missing) await deliverToDevice(m);
      return missing.length;
    },
    /** Resolves at the next "typing…" the socket-host shows: a send is under way. */
    nextTyping(timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const done = (value: boolean) => {
          typingListeners.delete(listener);
          clearTimeout(timer);
          resolve(value);
        };
        const listener = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        typingListeners.add(listener);
      });
    },
    /** The queue has nothing pending, retrying or in flight (bounded: a stuck retry never ends it). */
    async queueIdle(timeoutMs: number): Promise<boolean> {
      if (!standIns.alive) return false;
      const idle = standIns.request<boolean>({ cmd: 'idle' }).catch(() => false);
      return await Promise.race([idle, new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs))]);
    },
    /** Rows still on their way: events in the outbox, replies being composed or not yet sent. */
    async unsettled() {
      const { rows } = await direct.query<{ outbox: number; generating: number; queued: number; sending: number; failed: number }>(
        `select (select count(*)::int from wa_outbox) as outbox,
                (select count(*)::int from messages where direction = 'out' and status = 'generating') as generating,
                (select count(*)::int from messages where direction = 'out' and status = 'queued') as queued,
                (select count(*)::int from wa_sent_messages where state = 'queued') as sending,
                (select count(*)::int from messages where direction = 'out' and status = 'failed') as failed`,
      );
      return rows[0]!;
    },
    /** The queue's dead-letter list: what it gave up on, and the hook's last answer. */
    async deadLetters(): Promise<{ url: string; status?: number; body?: string }[]> {
      const res = await fetch(`http://127.0.0.1:${services}/v2/dlq`, {
        headers: { authorization: `Bearer ${QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN}` },
      }).catch(() => undefined);
      if (!res?.ok) return [];
      const { messages } = (await res.json()) as { messages: { url: string; responseStatus?: number; responseBody?: string }[] };
      return messages.map((m) => ({ url: m.url, status: m.responseStatus, body: m.responseBody?.slice(0, 200) }));
    },
    /** Crashes nobody asked for (the stand-ins dying with a database restart, for instance). */
    crashes: () => [standIns, functions, socketHost].flatMap((p) => p.unexpectedExits),
    async stop() {
      await Promise.all([functions.stop(), socketHost.stop()]);
      await standIns.stop();
      await direct.end().catch(() => undefined);
      await model.close();
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
}

export type FaultStack = Awaited<ReturnType<typeof startFaultStack>>;
