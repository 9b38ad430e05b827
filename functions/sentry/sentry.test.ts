import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { injectDatabaseFault } from '../../test-support/database-fault.ts';
import { startFakeSentry, type FakeSentry } from '../../test-support/fake-sentry.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { renderError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import type { Services } from '../services.ts';
import { reportFailedHooks } from './report.ts';

const PHONE = '4915112345678';
const TEXT = 'my secret order number is blue-horse';

let sentry: FakeSentry;
beforeAll(async () => {
  sentry = await startFakeSentry();
});
afterAll(() => sentry?.close());

/** The functions' error path alone: a route that throws or answers 5xx, with or without SENTRY_DSN. */
function appWith(dsn: string | undefined) {
  const app = new Hono<HonoEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set('services', { config: { SENTRY_DSN: dsn } } as unknown as Services);
    c.set('log', pino({ level: 'silent' }));
    await next();
  });
  app.get('/boom/:id', () => {
    throw new Error(`Failed query: insert into messages values ($1, $2)\nparams: ${TEXT},${PHONE}`);
  });
  app.use('/hooks/*', reportFailedHooks);
  app.post('/hooks/busy', (c) => c.json({ outcome: 'busy' }, 503));
  app.post('/hooks/broken', (c) => c.json({ outcome: 'retry' }, 503));
  app.onError((err, c) => renderError(err, c));
  return app;
}

/** Calls the app as Workers do, collecting what it asks the runtime to wait for. */
async function call(app: Hono<HonoEnv>, path: string, init: RequestInit & { requestId: string }) {
  const waited: Promise<unknown>[] = [];
  const ctx = { waitUntil: vi.fn((p: Promise<unknown>) => void waited.push(p)), passThroughOnException() {}, props: {} };
  const res = await app.fetch(new Request(`http://functions.test${path}`, { ...init, headers: { 'x-request-id': init.requestId } }), {}, ctx);
  await Promise.all(waited);
  return { res, waited };
}

function eventTagged(id: string) {
  return sentry.events().find((e) => (e.tags as Record<string, string> | undefined)?.requestId === id);
}

function envelopeOf(id: string): string {
  return sentry.envelopes.find((e) => e.raw.includes(id))!.raw;
}

describe('Sentry reporting in the functions', () => {
  it('reports an unexpected error with the request id, component and route, and no message text or number', async () => {
    const { res } = await call(appWith(sentry.dsn), `/boom/${PHONE}`, { requestId: 'req-unexpected-1' });
    expect(res.status).toBe(500);
    const event = eventTagged('req-unexpected-1');
    expect(event).toBeDefined();
    expect(event!.tags).toMatchObject({ component: 'functions', kind: 'unexpected_error', route: '/boom/:id', method: 'GET' });
    const exception = (event!.exception as { values: { type: string; value: string }[] }).values[0]!;
    expect(exception.type).toBe('Error');
    expect(exception.value).toBe('Failed query: insert into messages values ($1, $2)');
    const raw = envelopeOf('req-unexpected-1');
    expect(raw).not.toContain(PHONE);
    expect(raw).not.toContain('blue-horse');
  });

  it('reports a hook answering 5xx, but not the 503s the queue protocol asks for', async () => {
    const app = appWith(sentry.dsn);
    const broken = await call(app, '/hooks/broken', { method: 'POST', requestId: 'req-hook-broken' });
    expect(broken.res.status).toBe(503);
    expect(eventTagged('req-hook-broken')).toMatchObject({
      message: '/hooks/broken answered 503 (retry)',
      tags: { component: 'functions', kind: 'failed_hook', hook: 'broken' },
    });
    const busy = await call(app, '/hooks/busy', { method: 'POST', requestId: 'req-hook-busy' });
    expect(busy.res.status).toBe(503);
    expect(busy.waited).toHaveLength(0);
  });

  it('does nothing at all without SENTRY_DSN: no report started, nothing sent', async () => {
    const before = sentry.envelopes.length;
    const { res, waited } = await call(appWith(undefined), '/boom/1', { requestId: 'req-no-dsn' });
    expect(res.status).toBe(500);
    expect(waited).toHaveLength(0);
    const broken = await call(appWith(undefined), '/hooks/broken', { method: 'POST', requestId: 'req-no-dsn-hook' });
    expect(broken.waited).toHaveLength(0);
    expect(sentry.envelopes.length).toBe(before);
  });
});

describe('a failed /hooks/whatsapp on the local stack', () => {
  let t: PipelineStack;
  beforeAll(async () => {
    t = await startPipelineStack({ reply: () => 'We open at 8.', env: { SENTRY_DSN: sentry.dsn } });
  });
  afterAll(() => t?.stop());

  it('reaches Sentry with its request id, without the message text or the phone anywhere in the envelope', async () => {
    // The database refuses every new message: the hook throws (Drizzle's error names the parameters).
    const fault = await injectDatabaseFault(t.databaseUrl, { table: 'messages', on: 'insert' });
    try {
      await t.stack.functions.services.qstash.publishJSON({
        url: `${t.stack.urls.functions}/hooks/whatsapp`,
        body: receivedEvent(PHONE, 'WAMSG-SENTRY-1', TEXT),
        headers: { 'X-Request-Id': 'req-whatsapp-failed' },
        retries: 0,
      });
      await eventually(() => eventTagged('req-whatsapp-failed') !== undefined, 'the failed hook reported');
      expect(eventTagged('req-whatsapp-failed')!.tags).toMatchObject({
        component: 'functions',
        kind: 'failed_hook',
        route: '/hooks/whatsapp',
        hook: 'whatsapp',
        method: 'POST',
      });
      expect(await fault.refusals()).toBeGreaterThan(0);
      const raw = envelopeOf('req-whatsapp-failed');
      expect(raw).not.toContain(PHONE);
      expect(raw).not.toContain('blue-horse');
    } finally {
      await fault.remove();
    }
  });
});
