/** POST /send and the other signed endpoints, against a real host, database and the fake socket. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox, waSentMessages } from '../drizzle/schema.ts';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { sendResult } from '../shared/contracts/send-request.ts';
import { signQStashJwt } from '../shared/qstash-jwt.ts';
import type { FakeSocket } from '../test-support/fake-socket.ts';
import { pollUntil, signedFetch, startOpenTestHost, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startTestHost>>;
let sock: FakeSocket;

beforeAll(async () => {
  t = await startTestDatabase();
  ({ sock, ...h } = await startOpenTestHost(t));
});
afterAll(async () => {
  await h?.host.stop();
  await t?.close();
});

let n = 0;
const request = (overrides: Record<string, unknown> = {}) => ({
  v: 1,
  sessionId: 'main',
  to: '+55 11 98765-4321',
  waMessageId: `3EB0${(++n).toString(16).toUpperCase().padStart(16, '0')}`,
  text: 'Olá! Abrimos sábado das 9h às 13h.',
  ...overrides,
});
const sign = (url: string, raw: string) =>
  signQStashJwt({ signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url, body: new TextEncoder().encode(raw) });
const send = (body: unknown, init: Parameters<typeof signedFetch>[1] = {}) => signedFetch(`${h.host.url}/send`, { body, ...init });

describe('POST /send', () => {
  it.each([
    ['unsigned', { signature: null }],
    ['forged (wrong key)', { signingKey: 'sig_notTheRealKeyAtAll000000' }],
    ['expired', { issuedAt: Math.floor(Date.now() / 1000) - 3_600 }],
    ['garbage', { signature: 'not.a.jwt' }],
  ])('refuses a %s request with 401 and sends nothing', async (_, init) => {
    const body = request();
    const res = await send(body, init);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('UNAUTHORIZED');
    expect(sock.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(0);
    expect(await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, body.waMessageId))).toHaveLength(0);
  });

  it('refuses a signature made for another body', async () => {
    const body = request();
    const url = `${h.host.url}/send`;
    const signature = await sign(url, JSON.stringify({ ...body, text: 'something else' }));
    const res = await fetch(url, { method: 'POST', headers: { 'upstash-signature': signature }, body: JSON.stringify(body) });
    expect(res.status).toBe(401);
    expect(sock.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(0);
  });

  it('sends a signed request once, with typing first, and answers a repeat as a duplicate without sending again', async () => {
    const body = request({ typing: true });
    const first = await send(body);
    expect(first.status).toBe(200);
    expect(sendResult.parse(await first.json())).toMatchObject({ waMessageId: body.waMessageId, status: 'sent', duplicate: false });
    const again = await send(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ waMessageId: body.waMessageId, duplicate: true });

    const sent = sock.sent().filter((s) => s.id === body.waMessageId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: '5511987654321@s.whatsapp.net', text: body.text });
    const presences = sock.presences.filter((p) => p.jid === '5511987654321@s.whatsapp.net').map((p) => p.type);
    expect(presences.slice(-2)).toEqual(['composing', 'paused']);
    const [row] = await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, body.waMessageId));
    expect(row).toMatchObject({ state: 'sent', remoteJid: '5511987654321@s.whatsapp.net' });
    expect(JSON.parse(row!.message!)).toMatchObject({ extendedTextMessage: { text: body.text } });
  });

  it('sends once when the same id arrives twice at the same time', async () => {
    const body = request({ typing: false });
    const answers = await Promise.all([send(body), send(body)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200]);
    const flags = await Promise.all(answers.map(async (r) => (await r.json()).duplicate));
    expect(flags.sort()).toEqual([false, true]);
    expect(sock.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(1);
  });

  it('re-sends the same WhatsApp id when an older version stopped after recording it (state sending, no text)', async () => {
    const body = request({ typing: false });
    await t.db.insert(waSentMessages).values({ sessionId: 'main', waMessageId: body.waMessageId, remoteJid: '5511987654321@s.whatsapp.net', state: 'sending' });
    const res = await send(body);
    expect(await res.json()).toMatchObject({ status: 'sent', duplicate: true });
    expect(sock.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(1);
  });

  it.each([
    ['malformed JSON', '{"v":1,', 'BAD_REQUEST'],
    ['a missing field', JSON.stringify({ v: 1, sessionId: 'main', to: '5511', text: 'x' }), 'VALIDATION_FAILED'],
    ['a lower-case id', JSON.stringify({ ...request(), waMessageId: '3eb0abc' }), 'VALIDATION_FAILED'],
    ['an impossible recipient', JSON.stringify({ ...request(), to: 'not a phone' }), 'VALIDATION_FAILED'],
  ])('answers 400 to %s', async (_, raw, code) => {
    const url = `${h.host.url}/send`;
    const signature = await sign(url, raw);
    const before = sock.sent().length;
    const res = await fetch(url, { method: 'POST', headers: { 'upstash-signature': signature }, body: raw });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe(code);
    expect(sock.sent().length).toBe(before);
  });

  it('answers 404 for a session this host does not hold', async () => {
    const res = await send(request({ sessionId: 'elsewhere' }));
    expect(res.status).toBe(404);
  });

  it('accepts the next signing key too (key rotation)', async () => {
    const res = await send(request({ typing: false }), { signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_NEXT_SIGNING_KEY });
    expect(res.status).toBe(200);
  });

  it('accepts at once (202 queued) while the socket is not open, sends once it is back, and reports the outcome as an event', async () => {
    // 440 does not reconnect by itself, so the socket stays down for as long as this test needs.
    sock.close(440);
    await pollUntil(() => h.host.sessions.get('main')?.status === 'replaced', 'the session to stop');
    const body = request({ typing: false });
    const res = await send(body);
    expect(res.status).toBe(202);
    expect(sendResult.parse(await res.json())).toMatchObject({ waMessageId: body.waMessageId, status: 'queued', duplicate: false });
    expect(h.fake.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(0);
    const [queued] = await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, body.waMessageId));
    expect(queued).toMatchObject({ state: 'queued', text: body.text });
    // Asked again while it waits: still one queued send.
    expect(await (await send(body)).json()).toMatchObject({ status: 'queued', duplicate: true });

    expect((await signedFetch(`${h.host.url}/sessions/main/start`, { body: {} })).status).toBe(200);
    await pollUntil(() => h.fake.sent().some((s) => s.id === body.waMessageId), 'the queued send to go out');
    sock = h.fake.latest()!;
    expect(await (await send(body)).json()).toMatchObject({ status: 'sent', duplicate: true });
    expect(h.fake.sent().filter((s) => s.id === body.waMessageId)).toHaveLength(1);
    // Nobody was waiting when it went out: the functions learn it from a status event in the outbox.
    const events = await pollUntil(async () => {
      const rows = await t.db.select().from(waOutbox).where(eq(waOutbox.eventId, `main:${body.waMessageId}:sent`));
      return rows.length ? rows : undefined;
    }, 'the sent event in the outbox');
    expect(JSON.parse(events[0]!.payload)).toMatchObject({ type: 'message.status', status: 'sent', waMessageId: body.waMessageId, phone: '5511987654321' });
    await pollUntil(async () => (await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, body.waMessageId)))[0]?.state === 'sent', 'the row marked sent');
  });
});

describe('the send queue across a restart', () => {
  it('resumes the sends a stopped host had accepted, in the order it accepted them, each once', async () => {
    await h.host.stop();
    const ids = ['3EB0FFFF000000000000000A', '3EB00000000000000000000B'];
    // Accepted by the stopped host, not sent yet: the first id sorts last, so only `seq` gives the order.
    for (const [i, id] of ids.entries()) {
      await t.db.insert(waSentMessages).values({ sessionId: 'main', waMessageId: id, remoteJid: '5511900000001@s.whatsapp.net', text: `queued ${i}` });
    }
    h = await startTestHost(t);
    await pollUntil(() => h.fake.sent().filter((s) => ids.includes(s.id)).length === 2, 'both queued sends to go out');
    expect(h.fake.sent().filter((s) => ids.includes(s.id)).map((s) => s.text)).toEqual(['queued 0', 'queued 1']);
    await pollUntil(async () => (await t.db.select().from(waSentMessages).where(eq(waSentMessages.state, 'queued'))).length === 0, 'the rows marked sent');
    expect(h.fake.sent().filter((s) => ids.includes(s.id))).toHaveLength(2);
  });
});
