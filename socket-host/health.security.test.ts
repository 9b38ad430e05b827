/**
 * What the socket-host tells a stranger: its /health names the sessions and their states, nothing
 * else (no linked phone number, no reason text from upstream); the details need a signed request;
 * and every answer carries the security headers, errors included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil, signedFetch, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startTestHost>>;
const PHONE = '15550000000'; // the fake socket's own number

beforeAll(async () => {
  t = await startTestDatabase();
  h = await startTestHost(t);
  await pollUntil(() => h.host.sessions.get('main')?.status === 'open', 'the session to be open');
});
afterAll(async () => {
  await h?.host.stop();
  await t?.close();
});

function expectSecurityHeaders(res: Response) {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
}

describe('the socket-host’s /health', () => {
  it('without a signature, shows the sessions’ states only: no phone number, no reason', async () => {
    for (const path of ['/health', '/health?outbox=1']) {
      const res = await fetch(`${h.host.url}${path}`);
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).not.toContain(PHONE);
      const body = JSON.parse(text);
      expect(body.sessions).toEqual([{ id: 'main', status: 'open', linked: true }]);
      expectSecurityHeaders(res);
    }
  });

  it('gives the details (phone, reason) only to a signed request', async () => {
    const unsigned = await fetch(`${h.host.url}/health/details`);
    expect(unsigned.status).toBe(401);
    expectSecurityHeaders(unsigned);
    const signed = await signedFetch(`${h.host.url}/health/details?outbox=1`);
    expect(signed.status).toBe(200);
    const body = await signed.json();
    expect(body.sessions).toEqual([{ id: 'main', status: 'open', linked: true, phone: PHONE, reason: null }]);
    expect(typeof body.outbox.pending).toBe('number');
  });

  it('sends the security headers on every answer, refusals and unknown routes included', async () => {
    expectSecurityHeaders(await fetch(`${h.host.url}/send`, { method: 'POST', body: '{}' }));
    expectSecurityHeaders(await signedFetch(`${h.host.url}/no-such-route`));
    expectSecurityHeaders(await signedFetch(`${h.host.url}/sessions/main/qr`));
  });
});
