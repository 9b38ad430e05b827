import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../services.ts';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { newApp } from '../app.ts';
import { startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { freePort } from '../../local/free-port.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack();
});
afterAll(() => t?.stop());

describe('GET /api/health', () => {
  it('answers 200 with every component and its latency, and the WhatsApp state without failing on it', async () => {
    const res = await fetch(`${t.stack.urls.functions}/api/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    for (const name of ['database', 'redis', 'queue', 'socketHost']) {
      expect(body.checks[name]).toMatchObject({ ok: true });
      expect(body.checks[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.whatsapp).toEqual([{ id: 'default', status: 'open', phone: expect.any(String), reason: null }]);
    // No secrets: neither the queue token nor the signing keys.
    for (const secret of Object.values(QSTASH_DEV_CREDENTIALS)) expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('answers 503 naming the failing component', async () => {
    // The same stack, but Redis points at a port where nothing listens.
    const config = loadFunctionsConfig({ ...t.stack.env, UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${await freePort()}/redis` });
    const res = await newApp({ services: createServices(config) }).request('/api/health');
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.failing).toEqual(['redis']);
    expect(body.checks.redis.error).toBeTruthy();
    expect(body.checks.database.ok).toBe(true);
  });

  it('/api/health/whatsapp is 503 while the linked number is not connected', async () => {
    expect((await fetch(`${t.stack.urls.functions}/api/health/whatsapp`)).status).toBe(200);
    t.fake.latest()!.close(408);
    const res = await fetch(`${t.stack.urls.functions}/api/health/whatsapp`);
    expect(res.status).toBe(503);
    expect((await res.json()).sessions[0].status).not.toBe('open');
  });
});
