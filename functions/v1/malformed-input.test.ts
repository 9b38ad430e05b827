import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, mayCarryFile, mediaBodyLimit } from '../body-limits.ts';
import { startHarness, type Harness } from './test-harness.ts';

/**
 * A sweep of bad requests over every operation of openapi.json: each must get a 4xx JSON envelope,
 * never a 5xx, and the database must be exactly as before. No socket-host runs here, so nothing
 * else writes to the database while the sweep runs.
 */
let h: Harness;
type Op = { method: string; path: string; hasBody: boolean; accepts: string[]; query: string[] };
let operations: Op[];

beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { API_RATE_LIMIT_PER_KEY: '100000/1 m' } });
  const doc = (await (await h.call('/v1/openapi.json', { key: null })).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; parameters?: { name: string; in: string }[] }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      hasBody: op.requestBody !== undefined,
      accepts: Object.keys(op.requestBody?.content ?? {}),
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    })),
  );
});
afterAll(() => h?.close());

const INJECTIONS = [`'; drop table messages; --`, '<script>alert(1)</script>', '../../etc/passwd', '${7*7}{{7*7}}', '\u0000', 'x'.repeat(5000)];

/** A valid body per operation with one: each case below breaks it in one way. */
const VALID_BODIES: Record<string, Record<string, unknown>> = {
  'POST /v1/messages': { to: '4915100000000', text: 'hi', sessionId: 'default' },
  'POST /v1/conversations/{id}/pause': { minutes: 5 },
  'POST /v1/conversations/{id}/messages': { text: 'hi' },
  'PUT /v1/agent': { fallbackText: 'x', humanPauseMinutes: 10, maxOutputTokens: 400, rules: [{ match: 'regex', pattern: 'a+', reply: 'b' }] },
  'POST /v1/webhooks': { url: 'https://example.org/hook', events: ['message.received'] },
  'POST /v1/keys': { name: 'n', scopes: ['agent:read'] },
  'POST /v1/sessions': { id: 'sales', name: 'Sales' },
  'POST /v1/sessions/{id}/pairing-code': { phone: '4915112345678' },
  'POST /v1/knowledge': { title: 'Horários', text: 'Abrimos às 7h.' },
  'POST /v1/messages/location': { to: '4915100000000', latitude: -23.5614, longitude: -46.6559, name: 'Floricultura Paulista' },
  'POST /v1/messages/contacts': { to: '4915100000000', contacts: [{ name: 'Ana Souza', phone: '+5511987654321' }] },
  'POST /v1/messages/{id}/reaction': { emoji: '👍' },
  'POST /v1/messages/{id}/edit': { text: 'Your order 1042 ships tomorrow.' },
  'POST /v1/conversations/{id}/presence': { presence: 'composing' },
};

/** Query parameters that are free text (a search): any words are a question, answered as one. */
const FREE_TEXT_QUERY = ['q'];

type Case = { label: string; path: string; init: RequestInit; field?: string; status?: number };

/** Numbers that may be negative and fractional: only their range bounds them. */
const COORDINATES = ['latitude', 'longitude'];

function wrongValues(value: unknown, field: string): unknown[] {
  if (typeof value === 'string') return [123, true, null, [], {}, 'x'.repeat(100_000)];
  if (typeof value === 'number') return COORDINATES.includes(field) ? ['5', null, [], {}, 1e12, 181, -181] : ['5', null, [], {}, -1, 1e12, 1.5e-9];
  if (Array.isArray(value)) return ['x', {}, [123], [null], Array.from({ length: 500 }, () => value[0])];
  return ['x', 1];
}

function casesFor(op: Op): Case[] {
  const path = op.path.replace(/\{[^}]+\}/g, crypto.randomUUID());
  const json = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => ({
    method: op.method,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const cases: Case[] = [];
  for (const bad of INJECTIONS) {
    if (op.path.includes('{')) {
      cases.push({ label: `id ${bad.slice(0, 20)}`, path: op.path.replace(/\{[^}]+\}/g, encodeURIComponent(bad)), init: { method: op.method } });
    }
    {
      for (const param of op.query) {
        // A search may look for any words; only what no question is (NUL, 5,000 characters) is refused.
        if (FREE_TEXT_QUERY.includes(param) && bad.length < 100 && bad !== '\u0000') continue;
        cases.push({ label: `?${param}=${bad.slice(0, 20)}`, path: `${path}?${param}=${encodeURIComponent(bad)}`, init: {} });
      }
    }
  }
  if (op.query.includes('limit')) {
    for (const limit of ['0', '-1', '101', '1e3', 'abc', '']) cases.push({ label: `limit ${limit}`, path: `${path}?limit=${limit}`, init: {} });
    cases.push({ label: 'forged cursor', path: `${path}?cursor=${btoa(JSON.stringify(['99999999999999999999', 'x']))}`, init: {} });
    cases.push({ label: 'cursor of year 0', path: `${path}?cursor=${btoa(JSON.stringify(['-62167219200000000', crypto.randomUUID()]))}`, init: {} });
  }
  if (!op.hasBody) return cases;

  const valid = VALID_BODIES[`${op.method} ${op.path}`];
  if (!valid) throw new Error(`add a valid body for ${op.method} ${op.path} to VALID_BODIES`);
  for (const broken of ['{', '{"to": "1', 'nul', '{"a":1}}', '\u0000', '[]', '"text"', '123', 'null']) {
    cases.push({ label: `body ${broken}`, path, init: json(broken) });
  }
  // A route that takes text/plain (the knowledge base) reads this body as a document, and wants its ?title=.
  const plainText = op.accepts.includes('text/plain') ? { field: 'title', status: 400 } : { status: 415 };
  cases.push({ label: 'text/plain', path, init: json(valid, { 'content-type': 'text/plain' }), ...plainText });
  cases.push({ label: 'form', path, init: json('a=1&b=2', { 'content-type': 'application/x-www-form-urlencoded' }), status: 415 });
  cases.push({ label: 'xml', path, init: json('<a/>', { 'content-type': 'application/xml' }), status: 415 });
  // fetch sends a string body without a type as text/plain.
  cases.push({ label: 'no content type', path, init: { method: op.method, body: JSON.stringify(valid) }, ...plainText });
  // A route that may carry a file takes a body as large as MEDIA_MAX_BYTES in base64; others 256 KiB.
  const limit = mayCarryFile(op.method.toUpperCase(), path) ? mediaBodyLimit(h.services.config.MEDIA_MAX_BYTES) : BODY_LIMIT_BYTES;
  cases.push({ label: 'oversized', path, init: json({ ...valid, pad: 'x'.repeat(limit + 1024) }), status: 413 });
  cases.push({ label: 'unknown field', path, init: json({ ...valid, isAdmin: true }), field: 'isAdmin', status: 400 });
  for (const [field, value] of Object.entries(valid)) {
    for (const wrong of wrongValues(value, field)) {
      cases.push({ label: `${field}=${JSON.stringify(wrong).slice(0, 30)}`, path, init: json({ ...valid, [field]: wrong }), field, status: 400 });
    }
    if (typeof value === 'string' || Array.isArray(value)) {
      for (const bad of INJECTIONS.slice(0, 3)) {
        const injected = Array.isArray(value) ? [bad] : bad;
        // Free text may say anything; a constrained field may not.
        if (['text', 'fallbackText', 'name', 'title'].includes(field)) continue;
        cases.push({ label: `${field} injection ${bad.slice(0, 12)}`, path, init: json({ ...valid, [field]: injected }), field, status: 400 });
      }
    }
  }
  if (op.path === '/v1/agent') {
    for (const rule of [{ match: 'regex', pattern: '(', reply: 'b' }, { match: 'glob', pattern: 'a', reply: 'b' }, { match: 'equals', pattern: '', reply: 'b' }]) {
      cases.push({ label: `rule ${JSON.stringify(rule)}`, path, init: json({ rules: [rule] }), field: 'rules.0', status: 400 });
    }
  }
  if (op.path === '/v1/messages') {
    for (const key of ['x'.repeat(300), 'ümlaut', 'with space']) {
      cases.push({ label: `Idempotency-Key ${key.slice(0, 10)}`, path, init: json(valid, { 'content-type': 'application/json', 'idempotency-key': key }), field: 'Idempotency-Key', status: 400 });
    }
  }
  return cases;
}

describe('malformed input, on every operation', () => {
  it('gets a 4xx JSON envelope naming the field, never a 5xx, and changes nothing', async () => {
    const before = await h.snapshot();
    let count = 0;
    for (const op of operations) {
      for (const c of casesFor(op)) {
        const res = await h.call(c.path, { ...c.init, method: c.init.method ?? op.method }).catch((err: unknown) => {
          throw new Error(`${op.method} ${op.path} ${c.label}: ${String(err)} ${String((err as Error).cause)}`);
        });
        const what = `${op.method} ${op.path} ${c.label} → ${res.status}`;
        expect(res.status, what).toBeGreaterThanOrEqual(400);
        expect(res.status, what).toBeLessThan(500);
        if (c.status) expect(res.status, what).toBe(c.status);
        expect(res.headers.get('content-type'), what).toMatch(/^application\/json/);
        const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
        expect(body.error.code, what).toMatch(/^[A-Z_]+$/);
        expect(body.error.requestId, what).toBeTruthy();
        expect(body.error.message, what).not.toMatch(/\n\s+at /); // no stack trace
        if (c.field) expect(body.error.message, what).toContain(c.field);
        count++;
      }
    }
    expect(count).toBeGreaterThan(200);
    expect(await h.snapshot()).toEqual(before);
  });

  it('a known path with the wrong method is 405 with Allow; an unknown one is 404; both JSON', async () => {
    for (const op of operations) {
      const path = op.path.replace(/\{[^}]+\}/g, crypto.randomUUID());
      const res = await h.call(path, { method: 'PATCH' });
      expect(res.status, `PATCH ${op.path}`).toBe(405);
      expect(res.headers.get('allow')).toContain(op.method);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    }
    const missing = await h.call('/v1/nothing/here');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const outside = await fetch(`${h.base}/nothing`);
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('free text may look like an injection: it is stored and answered verbatim, as JSON', async () => {
    const text = `'; drop table messages; -- <script>alert(1)</script>`;
    const before = await h.snapshot();
    const res = await h.call('/v1/agent', { method: 'PUT', json: { fallbackText: text, instructions: text } });
    expect(res.status).toBe(200);
    // The snapshot of the sweep above does see a change when there is one.
    expect(await h.snapshot()).not.toEqual(before);
    const agent = (await (await h.call('/v1/agent')).json()) as { fallbackText: string; instructions: string };
    expect(agent).toMatchObject({ fallbackText: text, instructions: text });
    expect((await h.call('/v1/conversations')).status).toBe(200);
  });
});
