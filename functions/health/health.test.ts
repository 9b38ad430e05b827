import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../services.ts';
import { loadFunctionsConfig } from '../../shared/config/functions-config.ts';
import { newApp } from '../app.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { freePort } from '../../local/free-port.ts';
import { createFakeSockets } from '../../test-support/fake-socket.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack();
});
afterAll(() => t?.stop());

const health = (path: string, key?: string) =>
  fetch(`${t.stack.urls.functions}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('GET /api/health', () => {
  it('answers 200 with every component and its latency, and the WhatsApp state without failing on it', async () => {
    const res = await health('/api/health');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.status).toBe('ok');
    for (const name of ['database', 'redis', 'queue', 'socketHost']) {
      expect(body.checks[name]).toMatchObject({ ok: true });
      expect(body.checks[name].latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(body.whatsapp).toEqual([{ id: 'default', status: 'open', linked: true }]);
    // No secrets: neither the queue token nor the signing keys.
    for (const secret of Object.values(QSTASH_DEV_CREDENTIALS)) expect(JSON.stringify(body)).not.toContain(secret);
  });

  it('gives a stranger no linked phone number; an admin key sees it', async () => {
    const details = await (await health('/api/health', t.adminKey)).json();
    const phone = details.whatsapp[0].phone as string;
    expect(phone).toMatch(/^\d{6,}$/);
    expect(details.checks.socketHost.sessions).toEqual(details.whatsapp);
    for (const path of ['/api/health', '/api/health/whatsapp']) {
      const text = await (await health(path)).text();
      expect(text).not.toContain(phone);
      expect(text).not.toMatch(/"(phone|reason|error)"/);
    }
    expect((await (await health('/api/health/whatsapp', t.adminKey)).json()).sessions[0]).toMatchObject({ phone, reason: null });
  });

  it('refuses a wrong key (401) and a key without keys:admin (403) instead of ignoring them', async () => {
    expect((await health('/api/health', `iak_${'x'.repeat(43)}`)).status).toBe(401);
    const created = await t.api('/v1/keys', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['conversations:read'] }) });
    const { key } = (await created.json()) as { key: string };
    const res = await health('/api/health', key);
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('FORBIDDEN');
  });

  it('answers 503 naming the failing component; the upstream error (and its address) only to an admin key', async () => {
    // The same stack, but Redis points at a port where nothing listens.
    const port = await freePort();
    const config = loadFunctionsConfig({ ...t.stack.env, UPSTASH_REDIS_REST_URL: `http://127.0.0.1:${port}/redis` });
    const app = newApp({ services: createServices(config) });
    const res = await app.request('/api/health');
    expect(res.status).toBe(503);
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.failing).toEqual(['redis']);
    expect(body.checks.redis).toEqual({ ok: false, latencyMs: expect.any(Number) });
    expect(body.checks.database.ok).toBe(true);
    expect(text).not.toContain(String(port));
    expect(text).not.toContain('127.0.0.1');

    const detailed = await (await app.request('/api/health', { headers: { authorization: `Bearer ${t.adminKey}` } })).json();
    expect(detailed.failing).toEqual(['redis']);
    expect(detailed.checks.redis.error).toBeTruthy();
  });

  it('/api/health/whatsapp is 503 while the linked number is not connected', async () => {
    expect((await health('/api/health/whatsapp')).status).toBe(200);
    t.fake.latest()!.close(408);
    const res = await health('/api/health/whatsapp');
    expect(res.status).toBe(503);
    expect((await res.json()).sessions[0].status).not.toBe('open');
  });
});

describe('GET /api/health/whatsapp on a fresh install', () => {
  it('is 200 while the number waits for its first QR scan, and 503 once a linked number drops', async () => {
    const fake = createFakeSockets({ autoOpen: false });
    const fresh = await startPipelineStack({ makeSocket: fake.makeSocket });
    try {
      const get = () => fetch(`${fresh.stack.urls.functions}/api/health/whatsapp`);
      const socket = await eventually(() => fake.latest(), 'a socket');
      socket.showQr();
      const waiting = await eventually(async () => {
        const res = await get();
        const body = await res.json();
        return body.sessions[0]?.status === 'qr' ? { status: res.status, body } : undefined;
      }, 'the QR state');
      expect(waiting.status).toBe(200);
      expect(waiting.body.sessions).toEqual([{ id: 'default', status: 'qr', linked: false }]);

      socket.open();
      await eventually(async () => (await (await get()).json()).sessions[0]?.status === 'open', 'the open state');
      fake.latest()!.close(408);
      await eventually(async () => (await get()).status === 503, 'the linked number reported down');
    } finally {
      await fresh.stop();
    }
  });
});
