/**
 * Helpers for the socket-host's integration tests: a config pointing at test services, requests
 * signed exactly as QStash signs them, and a poll-until for effects that happen in the background.
 */
import { loadSocketHostConfig, type SocketHostConfig } from '../shared/config/socket-host-config.ts';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../shared/qstash-jwt.ts';
import { startSocketHost, type SocketHostOptions } from './host.ts';
import { createFakeSockets } from '../test-support/fake-socket.ts';
import type { TestDatabase } from './test-database.ts';

export function testConfig(
  t: Pick<TestDatabase, 'databaseUrl' | 'httpUrl'>,
  env: Record<string, string> = {},
): SocketHostConfig {
  const config = loadSocketHostConfig({
    MODE: 'local',
    LOG_LEVEL: 'silent',
    DATABASE_URL: t.databaseUrl,
    DATABASE_HTTP_URL: t.httpUrl,
    // Nothing listens here unless a test starts a QStash stand-in: publishes fail and rows stay.
    QSTASH_URL: 'http://127.0.0.1:9',
    PUBLIC_URL: 'http://127.0.0.1:9',
    WA_SESSIONS: 'main',
    ...env,
  });
  return { ...config, listenPort: 0 };
}

/** Fast timings so tests never wait on production delays; correctness never depends on them. */
export const FAST = {
  session: { leaseTtlMs: 3_000, leaseRenewMs: 100, reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 } },
  outbox: { retryDelayMs: 20, maxRetryDelayMs: 100 },
  throttle: { minGapMs: 0, typingMsPerChar: 0.01, maxTypingMs: 5 },
  send: { answerWithinMs: 300, socketCheckMs: 20, retryDelayMs: 20, markRetryDelayMs: 20, markMaxRetryDelayMs: 100 },
};

export async function signedFetch(
  url: string,
  init: { method?: string; body?: unknown; signingKey?: string; issuedAt?: number; signature?: string | null } = {},
): Promise<Response> {
  const raw = init.body === undefined ? '' : JSON.stringify(init.body);
  const signature =
    init.signature !== undefined
      ? init.signature
      : await signQStashJwt({
          signingKey: init.signingKey ?? QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
          url,
          body: new TextEncoder().encode(raw),
          issuedAt: init.issuedAt,
        });
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['upstash-signature'] = signature;
  return await fetch(url, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers, body: raw || undefined });
}

/** Polls `check` until it returns a truthy value (the tests' shared poll-until). */
import { eventually } from '../test-support/eventually.ts';

export { eventually as pollUntil };

/** A host on a test database with fake sockets and fast timings; QR printing off. */
export async function startTestHost(
  t: Pick<TestDatabase, 'databaseUrl' | 'httpUrl'>,
  options: Partial<SocketHostOptions> & { env?: Record<string, string> } = {},
) {
  const fake = createFakeSockets();
  const { env, ...rest } = options;
  const host = await startSocketHost({
    config: testConfig(t, env),
    makeSocket: fake.makeSocket,
    printQr: false,
    statusEvents: 'failed',
    tuning: FAST,
    ...rest,
  });
  return { host, fake };
}

/** A test host whose default number ('main') is open, and the fake socket it opened. */
export async function startOpenTestHost(t: Pick<TestDatabase, 'databaseUrl' | 'httpUrl'>) {
  const h = await startTestHost(t);
  await eventually(() => h.host.sessions.get('main')?.status === 'open', 'the session to open');
  return { ...h, sock: h.fake.latest()! };
}
