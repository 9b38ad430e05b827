import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness.ts';

/**
 * PostgreSQL text cannot hold U+0000, so a string carrying it used to reach the database and fail
 * there with a 500. Every string a request brings is checked once, in the validation hook: the
 * answer is the contract's 400 naming the field, and nothing is stored.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { API_RATE_LIMIT_PER_KEY: '100000/1 m' } });
});
afterAll(() => h?.close());

const NUL = '\u0000';
const rule = { match: 'contains', pattern: 'price', reply: 'It is 10 euros.' };

type Case = { method: string; path: string; body?: unknown; headers?: Record<string, string>; field: string };

const CASES: Case[] = [
  { method: 'POST', path: '/v1/messages', body: { to: '4915100000000', text: `hi${NUL}there` }, field: 'text' },
  { method: 'POST', path: '/v1/messages', body: { to: '4915100000000', text: NUL }, field: 'text' },
  { method: 'PUT', path: '/v1/agent', body: { instructions: `Be kind.${NUL}` }, field: 'instructions' },
  { method: 'PUT', path: '/v1/agent', body: { fallbackText: `${NUL}Sorry` }, field: 'fallbackText' },
  { method: 'PUT', path: '/v1/agent', body: { model: `gpt${NUL}` }, field: 'model' },
  { method: 'PUT', path: '/v1/agent', body: { rules: [rule, { ...rule, reply: `a${NUL}b` }] }, field: 'rules.1.reply' },
  { method: 'PUT', path: '/v1/agent', body: { rules: [{ ...rule, pattern: `pr${NUL}ice` }] }, field: 'rules.0.pattern' },
  { method: 'POST', path: '/v1/keys', body: { name: `CRM${NUL}`, scopes: ['agent:read'] }, field: 'name' },
  { method: 'POST', path: '/v1/webhooks', body: { url: `https://example.org/hook${NUL}`, events: ['message.received'] }, field: 'url' },
  { method: 'POST', path: '/v1/webhooks', body: { url: `https://example.org/a${NUL}b`, events: ['message.received'] }, field: 'url' },
  { method: 'GET', path: `/v1/conversations?cursor=${encodeURIComponent(`abc${NUL}`)}`, field: 'cursor' },
];

describe('a request string containing U+0000', () => {
  it.each(CASES)('$method $path: 400 naming $field, nothing stored', async (c) => {
    const before = await h.snapshot();
    const res = await h.call(c.path, { method: c.method, json: c.body, headers: c.headers });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; details?: { field: string; message: string }[] } };
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain(`${c.field}:`);
    expect(body.error.details).toContainEqual({ field: c.field, message: expect.stringContaining('U+0000') });
    expect(await h.snapshot()).toEqual(before);
  });

  it('the same requests without the NUL are accepted (the refusal is about the character alone)', async () => {
    const clean = (v: unknown): unknown => JSON.parse(JSON.stringify(v).replaceAll('\\u0000', ''));
    for (const c of CASES.filter((c) => c.body && !(c.path === '/v1/messages'))) {
      const res = await h.call(c.path, { method: c.method, json: clean(c.body) });
      expect(res.status, `${c.method} ${c.path} ${JSON.stringify(clean(c.body))}`).toBeLessThan(300);
    }
  });
});
