import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newApp } from '../app.ts';
import { PUBLIC_V1_PATHS } from './app.ts';
import { startHarness, type Harness } from './test-harness.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ia-agent-openapi-'));

type Doc = { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, { operationId: string }>>; webhooks: Record<string, unknown> };

let h: Harness;
let doc: Doc;
beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { CORS_ORIGINS: 'https://app.example.org' } });
  const res = await h.call('/v1/openapi.json', { key: null });
  expect(res.status).toBe(200);
  doc = (await res.json()) as Doc;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await h?.close();
});

describe('GET /v1/openapi.json', () => {
  it('is OpenAPI 3.1 and clean under redocly lint’s recommended rules', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0]!.url).toBe(h.base);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const lint = await run(join(process.cwd(), 'node_modules/.bin/redocly'), ['lint', file, '--format=stylish'], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).then(
      (out) => ({ code: 0, out: out.stdout + out.stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
    );
    expect(lint.out).not.toMatch(/warning/i);
    expect(lint.code, lint.out).toBe(0);
  });

  it('lists every /v1 route the app serves, and only those', () => {
    const served = newApp({ services: h.services })
      .routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/v1/') && !(PUBLIC_V1_PATHS as readonly string[]).includes(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(new Set(served)).toEqual(new Set(documented));
    expect(documented.length).toBeGreaterThanOrEqual(13);
  });

  it('describes every webhook event', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      ['conversation.handoff', 'conversation.paused', 'conversation.resumed', 'message.received', 'message.updated', 'message.sent', 'message.status', 'session.status'].sort(),
    );
  });
});

describe('GET /v1/docs', () => {
  it('sends a browser, without a key, to the interactive reference the console serves', async () => {
    const res = await h.call('/v1/docs', { key: null, redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/console/docs');
  });
});

describe('HTTP surface', () => {
  it('CORS answers only the allowed origins, and exposes the rate-limit headers to them', async () => {
    const preflight = (origin: string) =>
      fetch(`${h.base}/v1/messages`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    const allowed = await preflight('https://app.example.org');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();

    const res = await h.call('/v1/conversations', { headers: { origin: 'https://app.example.org' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.org');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/RateLimit-Remaining/);
  });

  it('secure headers on every answer, no server fingerprint', async () => {
    for (const res of [await h.call('/v1/conversations'), await h.call('/v1/nothing'), await h.call('/v1/docs', { key: null, redirect: 'manual' })]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBeTruthy();
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});
