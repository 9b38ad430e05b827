import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSockets } from '../../test-support/fake-socket.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

/** What Baileys closes with when the machine cannot resolve WhatsApp's servers. */
const NO_NETWORK = 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

// A number that waits to be linked: each socket connects and stays there until the test says
// otherwise. A long reconnect backoff keeps "cannot reach WhatsApp" in place while it is looked at.
const fake = createFakeSockets({ autoOpen: false });
let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    makeSocket: fake.makeSocket,
    socketHostTuning: {
      session: { leaseTtlMs: 3_000, leaseRenewMs: 200, reconnect: { baseDelayMs: 40_000, maxDelayMs: 60_000, maxBadSessionAttempts: 2 } },
      outbox: { retryDelayMs: 50, maxRetryDelayMs: 200 },
    },
  });
  await eventually(() => fake.latest(), 'the first socket');
});
afterAll(() => t?.stop());

const session = async () => (await (await t.api('/v1/sessions')).json()).data[0];
const pairing = (phone = '+4915112345678') => t.api('/v1/sessions/default/pairing-code', { method: 'POST', body: JSON.stringify({ phone }) });
const post = (path: string) => t.api(path, { method: 'POST' });

/** The contract's envelope, and nothing else. */
async function errorOf(res: Response) {
  const body = await res.json();
  expect(Object.keys(body)).toEqual(['error']);
  return { status: res.status, code: body.error.code as string, message: body.error.message as string, retryAfter: res.headers.get('retry-after') };
}

// One number's life, in order: each step starts from the state the previous one left.
describe('linking a number through the API', () => {
  it('says there is no QR code yet while the socket connects (not a bare 404)', async () => {
    expect(await session()).toEqual({ id: 'default', status: 'connecting', phone: null, reason: null, cause: null, retryAt: null, name: null, addedAt: null });
    const qr = await errorOf(await t.api('/v1/sessions/default/qr.png'));
    expect(qr).toMatchObject({ status: 409, code: 'NO_QR_CODE', retryAfter: '2' });
    expect(qr.message).toContain('the session is connecting');
  });

  it('serves the QR code as a PNG while the number waits to be linked, and a pairing code on request', async () => {
    fake.latest()!.showQr();
    await eventually(async () => (await session()).status === 'qr', 'the QR state');

    const png = await t.api('/v1/sessions/default/qr.png');
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect([...new Uint8Array(await png.arrayBuffer()).slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

    const code = await pairing();
    expect(code.status).toBe(200);
    expect((await code.json()).code).toMatch(/^[A-Z0-9]{8}$/);
    expect(fake.latest()!.pairingRequests).toContain('4915112345678');
  });

  it('says WhatsApp cannot be reached, with the cause and the next attempt, when the socket-host is fine', async () => {
    fake.latest()!.close(408, NO_NETWORK);
    await eventually(async () => (await session()).status === 'reconnecting', 'the reconnecting state');
    const listed = await session();
    expect(listed).toMatchObject({ status: 'reconnecting', cause: 'getaddrinfo ENOTFOUND web.whatsapp.com' });
    const wait = Date.parse(listed.retryAt) - Date.now();
    expect(wait).toBeGreaterThan(5_000);
    expect(wait).toBeLessThanOrEqual(40_000);

    const started = Date.now();
    for (const res of [await pairing(), await t.api('/v1/sessions/default/qr.png')]) {
      const error = await errorOf(res);
      expect(error).toMatchObject({ status: 503, code: 'WHATSAPP_UNREACHABLE' });
      expect(error.message).toMatch(/cannot reach WhatsApp: getaddrinfo ENOTFOUND web\.whatsapp\.com; retrying in \d+ s/);
      expect(Number(error.retryAfter)).toBeGreaterThan(0);
      expect(error.message).not.toContain('socket-host is not reachable');
    }
    // At once: nothing waits for a QR code that cannot come.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('restart reconnects at once instead of waiting out the backoff', async () => {
    const sockets = fake.sockets.length;
    const res = await post('/v1/sessions/default/restart');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 'default', retryAt: null });
    expect(fake.sockets).toHaveLength(sockets + 1);
    fake.latest()!.open();
    await eventually(async () => (await session()).status === 'open', 'the open state');
    expect(await session()).toEqual({ id: 'default', status: 'open', phone: expect.any(String), reason: null, cause: null, retryAt: null, name: null, addedAt: null });
  });

  it('refuses a QR code or a pairing code for a linked number, saying it is linked', async () => {
    for (const res of [await t.api('/v1/sessions/default/qr.png'), await pairing()]) {
      const error = await errorOf(res);
      expect(error).toMatchObject({ status: 409, code: 'ALREADY_LINKED' });
      expect(error.message).toMatch(/already linked to \+\d+ and connected/);
    }
  });

  it('logs out, then says the QR code needs a restart; restart links again', async () => {
    const out = await post('/v1/sessions/default/logout');
    expect(out.status).toBe(200);
    expect(await out.json()).toMatchObject({ id: 'default', status: 'logged_out', phone: null });
    expect(fake.latest()!.state).toBe('closed');

    const qr = await errorOf(await t.api('/v1/sessions/default/qr.png'));
    expect(qr).toMatchObject({ status: 409, code: 'NO_QR_CODE' });
    expect(qr.message).toContain('the session is logged_out');
    expect(qr.message).toContain('POST /v1/sessions/default/restart');

    const sockets = fake.sockets.length;
    const again = await post('/v1/sessions/default/restart');
    expect(again.status).toBe(200);
    expect((await again.json()).status).toBe('connecting');
    expect(fake.sockets).toHaveLength(sockets + 1);
  });

  it('names an unknown session and a malformed phone', async () => {
    for (const res of [await t.api('/v1/sessions/nope/qr.png'), await post('/v1/sessions/nope/restart'), await post('/v1/sessions/nope/logout')]) {
      expect(await errorOf(res)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
    const bad = await pairing('call me');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toContain('phone');
  });

  it('says the socket-host itself cannot be reached, and why, only when that is the case', async () => {
    await t.stack.stopSocketHost();
    try {
      for (const res of [await pairing(), await t.api('/v1/sessions/default/qr.png'), await t.api('/v1/sessions'), await post('/v1/sessions/default/restart')]) {
        const error = await errorOf(res);
        expect(error).toMatchObject({ status: 503, code: 'SOCKET_HOST_UNREACHABLE' });
        expect(error.message).toContain('ECONNREFUSED');
      }
    } finally {
      await t.stack.startSocketHost();
    }
  });

  it('needs an admin key', async () => {
    const created = await t.api('/v1/keys', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['conversations:read'] }) });
    const { key } = await created.json();
    const res = await fetch(`${t.stack.urls.functions}/v1/sessions/default/restart`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
    expect(await errorOf(res)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });
});
