import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeys } from '../../drizzle/schema.ts';
import { SCOPES } from './api-keys.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';

type Operation = { method: string; path: string; scopes: string[][] };

let h: Harness;
let operations: Operation[];
let revokedKey: string;

beforeAll(async () => {
  // Every operation is called several times with the same keys: more than the default 120 a minute per
  // key (the limit itself is rate-limits.test.ts's to prove).
  h = await startHarness({ socketHost: false, env: { API_RATE_LIMIT_PER_KEY: '100000/1 m' } });
  const doc = (await (await h.call('/v1/openapi.json', { key: null })).json()) as {
    paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      scopes: (op.security ?? []).map((req) => Object.values(req).flat()),
    })),
  );
  const revoked = await h.createKey([...SCOPES], 'to be revoked');
  expect((await h.call(`/v1/keys/${revoked.id}`, { method: 'DELETE' })).status).toBe(204);
  revokedKey = revoked.key;
});
afterAll(() => h?.close());

/** A concrete request for an operation: ids are random, bodies are a harmless `{}`. */
function requestFor(op: Operation, key: string | null) {
  const path = op.path.replace(/\{[^}]+\}/g, crypto.randomUUID());
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  return h.call(path, { method: op.method, key, ...(hasBody ? { json: {} } : {}) });
}

async function expectEnvelope(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
}

describe('every operation of openapi.json is guarded', () => {
  it('the document lists the operations of CONTRACT.md, each with a scope', () => {
    const listed = operations.map((op) => `${op.method} ${op.path}`);
    for (const expected of [
      'POST /v1/messages',
      'GET /v1/conversations',
      'GET /v1/conversations/{id}/messages',
      'POST /v1/conversations/{id}/pause',
      'POST /v1/conversations/{id}/resume',
      'GET /v1/media/{id}',
      'GET /v1/agent',
      'PUT /v1/agent',
      'POST /v1/webhooks',
      'GET /v1/webhooks',
      'DELETE /v1/webhooks/{id}',
      'POST /v1/keys',
      'GET /v1/keys',
      'DELETE /v1/keys/{id}',
      'GET /v1/usage',
    ]) {
      expect(listed).toContain(expected);
    }
    for (const op of operations) expect(op.scopes.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  it('no key → 401 in the envelope, with a Bearer challenge', async () => {
    for (const op of operations) {
      const res = await requestFor(op, null);
      await expectEnvelope(res, 401, 'UNAUTHORIZED');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('an unknown key and a malformed Authorization header → 401', async () => {
    for (const op of operations) {
      await expectEnvelope(await requestFor(op, `iak_${'x'.repeat(43)}`), 401, 'UNAUTHORIZED');
      const path = op.path.replace(/\{[^}]+\}/g, crypto.randomUUID());
      const basic = await fetch(`${h.base}${path}`, { method: op.method, headers: { authorization: `Basic ${btoa('a:b')}` } });
      await expectEnvelope(basic, 401, 'UNAUTHORIZED');
    }
  });

  it('a revoked key → 401', async () => {
    for (const op of operations) {
      const res = await requestFor(op, revokedKey);
      await expectEnvelope(res, 401, 'UNAUTHORIZED');
    }
  });

  it('a key holding every scope but the ones an operation needs → 403', async () => {
    for (const op of operations) {
      const needed = new Set(op.scopes.flat());
      const others = SCOPES.filter((s) => !needed.has(s));
      const { key } = await h.createKey(others, `all but ${[...needed].join(',')}`);
      await expectEnvelope(await requestFor(op, key), 403, 'FORBIDDEN');
    }
  });

  it('a key with exactly the scope passes the guard (whatever the handler then says)', async () => {
    for (const op of operations) {
      for (const scopes of op.scopes) {
        const { key } = await h.createKey(scopes);
        const res = await requestFor(op, key);
        expect([401, 403], `${op.method} ${op.path} with ${scopes.join('+')}`).not.toContain(res.status);
      }
    }
  });

  it('only openapi.json and the docs page answer without a key; any other /v1 path wants one', async () => {
    expect((await h.call('/v1/openapi.json', { key: null })).status).toBe(200);
    const docs = await h.call('/v1/docs', { key: null, redirect: 'manual' });
    expect(docs.status).toBe(302);
    expect(docs.headers.get('location')).toBe('/console/docs');
    await expectEnvelope(await h.call('/v1/no-such-thing', { key: null }), 401, 'UNAUTHORIZED');
  });
});

describe('keys', () => {
  it('are shown once, listed by prefix and scopes, and never stored or listed in clear', async () => {
    const res = await h.call('/v1/keys', { method: 'POST', json: { name: 'crm', scopes: ['conversations:read'] } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; key: string; prefix: string; scopes: string[] };
    expect(created.key).toMatch(/^iak_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix.replace('…', ''))).toBe(true);
    expect(created.scopes).toEqual(['conversations:read']);

    const listing = await (await h.call('/v1/keys')).text();
    expect(listing).not.toContain(created.key);
    expect(listing).toContain(created.prefix);
    const stored = JSON.stringify(await h.db.select().from(apiKeys));
    expect(stored).toContain(created.prefix);
    expect(stored).not.toContain(created.key);
  });

  it('record their last use in the background', async () => {
    const { key, id } = await h.createKey(['conversations:read']);
    expect((await h.call('/v1/conversations', { key })).status).toBe(200);
    await vi.waitFor(
      async () => {
        const { data } = (await (await h.call('/v1/keys')).json()) as { data: { id: string; lastUsedAt: string | null }[] };
        expect(data.find((k) => k.id === id)?.lastUsedAt).not.toBeNull();
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('stop working on the next request once revoked; revoking the last admin key is refused', async () => {
    const { key, id } = await h.createKey(['conversations:read']);
    expect((await h.call('/v1/conversations', { key })).status).toBe(200);
    expect((await h.call(`/v1/keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    await expectEnvelope(await h.call('/v1/conversations', { key }), 401, 'UNAUTHORIZED');
    // Revoking again is fine; an unknown id is 404.
    expect((await h.call(`/v1/keys/${id}`, { method: 'DELETE' })).status).toBe(204);
    await expectEnvelope(await h.call(`/v1/keys/${crypto.randomUUID()}`, { method: 'DELETE' }), 404, 'NOT_FOUND');

    const { data } = (await (await h.call('/v1/keys')).json()) as {
      data: { id: string; name: string; scopes: string[]; revokedAt: string | null }[];
    };
    const admins = data.filter((k) => k.scopes.includes('keys:admin') && k.revokedAt === null);
    const own = admins.find((k) => k.name === 'admin')!;
    for (const other of admins.filter((k) => k !== own)) {
      expect((await h.call(`/v1/keys/${other.id}`, { method: 'DELETE' })).status).toBe(204);
    }
    await expectEnvelope(await h.call(`/v1/keys/${own.id}`, { method: 'DELETE' }), 409, 'CONFLICT');
    expect((await h.call('/v1/keys')).status).toBe(200);
  });

  it('cannot be created with an unknown scope', async () => {
    const res = await h.call('/v1/keys', { method: 'POST', json: { name: 'x', scopes: ['everything'] } });
    await expectEnvelope(res, 400, 'VALIDATION_FAILED');
  });
});
