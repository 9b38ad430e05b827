import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSentry, type FakeSentry } from '../test-support/fake-sentry.ts';
import { closeSocketHostSentry, initSocketHostSentry, sentryLogHooks } from './sentry.ts';
import { pollUntil, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

const PHONE = '5511987654321';
const TEXT = 'please call me about the blue-horse order';
const SENTRY_MODULE = fileURLToPath(new URL('./sentry.ts', import.meta.url));

let sentry: FakeSentry;
let t: TestDatabase;
beforeAll(async () => {
  sentry = await startFakeSentry();
  t = await startTestDatabase();
});
afterAll(async () => {
  await sentry?.close();
  await t?.close();
});

const tagsOf = (event: Record<string, unknown>) => (event.tags ?? {}) as Record<string, string>;

/** A socket-host process that starts Sentry as main.ts does, then dies of an error nobody caught. */
function crashingProcess(env: Record<string, string>) {
  const script = `
    import { initSocketHostSentry } from ${JSON.stringify(SENTRY_MODULE)};
    await initSocketHostSentry(process.env.SENTRY_DSN);
    setTimeout(() => { throw new Error('session for ${PHONE} lost: "${TEXT}"'); }, 0);`;
  return new Promise<{ code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code }));
  });
}

describe('Sentry on the socket-host', () => {
  afterEach(() => closeSocketHostSentry());

  it('reports an uncaught error, which still ends the process, without the number or the text', async () => {
    const { code } = await crashingProcess({ SENTRY_DSN: sentry.dsn });
    expect(code).not.toBe(0);
    const event = sentry.events().find((e) => JSON.stringify(e).includes('lost: '));
    expect(event).toBeDefined();
    expect(tagsOf(event!).component).toBe('socket-host');
    const exception = (event!.exception as { values: { value: string; mechanism: { handled: boolean } }[] }).values[0]!;
    expect(exception.value).toBe('session for [digits] lost: "…"');
    expect(exception.mechanism.handled).toBe(false);
    const raw = sentry.envelopes.find((e) => e.raw.includes('lost: '))!.raw;
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain('blue-horse');
  });

  it('without SENTRY_DSN does nothing: the process ends as before and nothing is sent', async () => {
    const before = sentry.envelopes.length;
    expect(await initSocketHostSentry(undefined)).toBe(false);
    const { code } = await crashingProcess({ SENTRY_DSN: '' });
    expect(code).not.toBe(0);
    expect(sentry.envelopes.length).toBe(before);
  });

  it('reports the outbox failing to hand an event to the queue, tagged with the part, without the message', async () => {
    await initSocketHostSentry(sentry.dsn, { catchUnhandled: false });
    // testConfig's QStash URL has nothing listening: every publish fails and is retried. What is
    // reported is what is logged, so the level must let warnings through (it does by default: info).
    const h = await startTestHost(t, { env: { LOG_LEVEL: 'warn' } });
    try {
      await pollUntil(() => h.fake.latest()?.state === 'open', 'the socket to open');
      h.fake.latest()!.inject({ from: PHONE, text: TEXT, id: 'SENTRY00000000001' });
      await pollUntil(() => sentry.events().some((e) => tagsOf(e).part === 'outbox'), 'the outbox failure reported');
    } finally {
      await h.host.stop();
    }
    const event = sentry.events().find((e) => tagsOf(e).part === 'outbox')!;
    expect(event.message).toBe('outbox: publish failed; will retry');
    expect(tagsOf(event)).toMatchObject({ component: 'socket-host', kind: 'failed_attempt' });
    // Whatever the host sent while the customer's message was stuck in the outbox.
    expect(sentry.envelopes.filter((e) => e.raw.includes(PHONE) || e.raw.includes('blue-horse'))).toEqual([]);
  });

  it('reports an unhandled error of the HTTP server with its request id, and logs it as before', async () => {
    await initSocketHostSentry(sentry.dsn, { catchUnhandled: false });
    const lines: string[] = [];
    const log = pino({ level: 'info', hooks: sentryLogHooks() }, { write: (line: string) => void lines.push(line) });
    log.error({ err: `send to ${PHONE} failed: "${TEXT}"`, path: '/send', requestId: 'req-host-77' }, 'unhandled error');
    log.info({ phone: PHONE }, 'an ordinary line');
    await closeSocketHostSentry();
    expect(lines).toHaveLength(2);
    const event = sentry.events().find((e) => tagsOf(e).requestId === 'req-host-77');
    expect(event).toMatchObject({
      message: 'unhandled error',
      level: 'error',
      tags: { component: 'socket-host', kind: 'error', path: '/send', requestId: 'req-host-77' },
      contexts: { log: { error: 'send to [digits] failed: "…"' } },
    });
    expect(sentry.events().some((e) => JSON.stringify(e).includes('an ordinary line'))).toBe(false);
  });
});
