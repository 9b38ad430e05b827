import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectDatabaseFault } from '../../test-support/database-fault.ts';
import { startFakeSentry, type FakeSentry } from '../../test-support/fake-sentry.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { startWranglerDev, WRANGLER_DEV_HOOK_TIMEOUT_MS, type WranglerDev } from '../../test-support/wrangler-dev.ts';
import { postSignedHook } from '../../test-support/signed-hook.ts';

/**
 * The Worker as it ships, in workerd: with SENTRY_DSN its failed hook reaches Sentry through
 * @sentry/cloudflare's client, loaded on that first report and kept alive by waitUntil.
 */
const PHONE = '4915117654321';
const TEXT = 'the secret word is green-lantern';

let t: PipelineStack;
let sentry: FakeSentry;
let worker: WranglerDev;

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'unused' });
  sentry = await startFakeSentry();
  worker = await startWranglerDev({
    vars: { ...(t.stack.env as Record<string, string | undefined>), MODE: 'local', LOG_LEVEL: 'silent', SENTRY_DSN: sentry.dsn },
    ready: async (u) => (await fetch(`${u}/api/health`).catch(() => null))?.status === 200,
  });
}, WRANGLER_DEV_HOOK_TIMEOUT_MS);

afterAll(async () => {
  worker?.stop();
  await sentry?.close();
  await t?.stop();
});

describe('Sentry on the Workers runtime (workerd)', () => {
  it('reports a failed /hooks/whatsapp with its request id, without the message text or the phone', async () => {
    const fault = await injectDatabaseFault(t.databaseUrl, { table: 'messages', on: 'insert' });
    try {
      const res = await postSignedHook(`${worker.url}/hooks/whatsapp`, receivedEvent(PHONE, 'WAMSG-WORKERD-SENTRY', TEXT), { 'x-request-id': 'req-workerd-1' });
      expect(res.status).toBe(500);
      await eventually(() => sentry.events().some((e) => (e.tags as Record<string, string>)?.requestId === 'req-workerd-1'), 'the event from workerd');
      const event = sentry.events().find((e) => (e.tags as Record<string, string>)?.requestId === 'req-workerd-1')!;
      expect(event.tags).toMatchObject({ component: 'functions', kind: 'failed_hook', hook: 'whatsapp', route: '/hooks/whatsapp' });
      expect((event.sdk as { name?: string }).name).toContain('cloudflare');
      const raw = sentry.envelopes.find((e) => e.raw.includes('req-workerd-1'))!.raw;
      expect(raw).not.toContain(PHONE);
      expect(raw).not.toContain('green-lantern');
    } finally {
      await fault.remove();
    }
  });
});
