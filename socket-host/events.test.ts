/**
 * From Baileys events to outbox rows, through a real host on a real database, with the fake socket
 * at the WhatsApp boundary. QStash is unreachable here, so every event stays in wa_outbox to inspect.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox, waSessions } from '../drizzle/schema.ts';
import { waEvent, type WaEvent } from '../shared/contracts/wa-event.ts';
import type { FakeSocket } from '../test-support/fake-socket.ts';
import { pollUntil, signedFetch, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startTestHost>>;
let sock: FakeSocket;

beforeAll(async () => {
  t = await startTestDatabase();
  h = await startTestHost(t);
  sock = await pollUntil(() => (h.fake.latest()?.state === 'open' ? h.fake.latest() : undefined), 'the socket to open');
  await pollUntil(() => h.host.sessions.get('main')?.status === 'open', 'the session to be open');
});
afterAll(async () => {
  await h?.host.stop();
  await t?.close();
});

async function events(): Promise<WaEvent[]> {
  const rows = await t.db.select().from(waOutbox).orderBy(asc(waOutbox.seq));
  return rows.map((r) => waEvent.parse(JSON.parse(r.payload)));
}
const ofType = async (type: WaEvent['type']) => (await events()).filter((e) => e.type === type);

describe('events from the socket', () => {
  it('reports the open session and the outbox count on /health, and its phone on the signed details', async () => {
    const res = await fetch(`${h.host.url}/health?outbox=1`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', sessions: [{ id: 'main', status: 'open' }] });
    expect(typeof body.outbox.pending).toBe('number');
    const details = await (await signedFetch(`${h.host.url}/health/details`)).json();
    expect(details.sessions).toEqual([{ id: 'main', status: 'open', linked: true, phone: '15550000000', reason: null }]);
    // The saved status follows the in-memory one through the session's ordered event queue.
    await pollUntil(async () => {
      const [row] = await t.db.select().from(waSessions).where(eq(waSessions.id, 'main'));
      return row?.status === 'open' && row.phone === '15550000000';
    }, 'the open status saved with the phone');
  });

  it('announces the session opening once', async () => {
    const statuses = await pollUntil(async () => {
      const list = await ofType('session.status');
      return list.length ? list : undefined;
    }, 'a session.status event');
    expect(statuses.map((e) => e.type === 'session.status' && e.status)).toEqual(['open']);
  });

  it('writes one outbox event for a message, however often Baileys replays it (notify, then append)', async () => {
    sock.inject({ from: '5511987654321', text: 'Oi!', id: 'AAAA000011112222', pushName: 'Maria' });
    sock.inject({ from: '5511987654321', text: 'Oi!', id: 'AAAA000011112222', type: 'append', pushName: 'Maria' });
    sock.inject({ from: '5511987654321', text: 'marker', id: 'AAAA000011113333' });
    const received = await pollUntil(async () => {
      const list = await ofType('message.received');
      return list.some((e) => e.id === 'main:AAAA000011113333') ? list : undefined;
    }, 'the marker message');
    const replayed = received.filter((e) => e.id === 'main:AAAA000011112222');
    expect(replayed).toHaveLength(1);
    expect(replayed[0]).toMatchObject({
      type: 'message.received',
      chatJid: '5511987654321@s.whatsapp.net',
      phone: '5511987654321',
      pushName: 'Maria',
      text: 'Oi!',
      replay: false,
    });
  });

  it('does not report our own /send echo as the team taking over, but does report a message typed on the phone', async () => {
    const res = await signedFetch(`${h.host.url}/send`, {
      body: { v: 1, sessionId: 'main', to: '5511987654321', waMessageId: '3EB0AABBCCDDEEFF0011', text: 'Reply', typing: false },
    });
    expect(res.status).toBe(200);
    sock.inject({ from: '5511987654321', text: 'I take it from here', id: '3EB0TEAM00000001', fromMe: true });
    const team = await pollUntil(async () => {
      const list = await ofType('message.from_team');
      return list.some((e) => e.id === 'main:3EB0TEAM00000001') ? list : undefined;
    }, 'the from_team event');
    expect(team.map((e) => e.id)).toEqual(['main:3EB0TEAM00000001']);
    // The echo of our send had been emitted by the socket before the phone-typed one: it is simply absent.
    expect((await events()).some((e) => e.id === 'main:3EB0AABBCCDDEEFF0011')).toBe(false);
  });

  it('forwards failed delivery statuses with their reason, and only those by default', async () => {
    const key = { remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id: '3EB0AABBCCDDEEFF0011' };
    sock.emitStatus(key, 3);
    sock.emitStatus(key, 4);
    sock.emitStatus(key, 0, ['463', 'Your account has been restricted']);
    const failed = await pollUntil(async () => {
      const list = await ofType('message.status');
      return list.length ? list : undefined;
    }, 'a message.status event');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ id: 'main:3EB0AABBCCDDEEFF0011:failed', status: 'failed', error: '463: Your account has been restricted' });
  });

  it('serves Baileys getMessage from what was sent, and undefined on a miss', async () => {
    const { getMessage } = sock.config!;
    const hit = await getMessage!({ remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id: '3EB0AABBCCDDEEFF0011' });
    expect(hit?.extendedTextMessage?.text).toBe('Reply');
    expect(await getMessage!({ remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, id: '3EB0NOTSENT00000' })).toBeUndefined();
  });

  it('skips status posts by default (each would cost a queue message)', async () => {
    sock.inject({ from: 'status@broadcast', text: 'my status', id: 'F1F2F3F4F5F6F7F8' });
    sock.inject({ from: '5511987654321', text: 'after status', id: 'AAAA000011114444' });
    await pollUntil(async () => (await events()).some((e) => e.id === 'main:AAAA000011114444'), 'the later message');
    expect((await events()).some((e) => e.id === 'main:F1F2F3F4F5F6F7F8')).toBe(false);
  });
});
