/**
 * What the socket-host forwards: each forwarded event costs a queue message (QStash's free plan: 1,000
 * a day), so by default only what the functions use leaves the host. QStash is unreachable here, so
 * every forwarded event stays in wa_outbox, one row per queue message it would cost.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox } from '../drizzle/schema.ts';
import type { FakeSocket } from '../test-support/fake-socket.ts';
import { pollUntil, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

const GROUP = '120363025246125888@g.us';
const BROADCAST_LIST = '1760000000@broadcast';

let t: TestDatabase;
const hosts: Awaited<ReturnType<typeof startTestHost>>[] = [];
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.host.stop()));
  await t?.close();
});

async function openHost(session: string, env: Record<string, string> = {}): Promise<FakeSocket> {
  const h = await startTestHost(t, { env: { WA_SESSIONS: session, ...env } });
  hosts.push(h);
  await pollUntil(() => h.host.sessions.get(session)?.status === 'open', 'the session to be open');
  return h.fake.latest()!;
}

/** The WhatsApp ids of the messages this session put in the outbox. */
async function forwarded(session: string): Promise<string[]> {
  const rows = await t.db.select({ payload: waOutbox.payload }).from(waOutbox).where(eq(waOutbox.sessionId, session));
  return rows.flatMap((r) => {
    const event = JSON.parse(r.payload) as { type: string; waMessageId?: string };
    return event.type.startsWith('message.') && event.waMessageId ? [event.waMessageId] : [];
  });
}

/** Injects the messages, then a direct marker, and waits for the marker: whatever was to be forwarded is by then. */
async function injectAll(session: string, sock: FakeSocket, messages: Parameters<FakeSocket['inject']>[0][]): Promise<string[]> {
  for (const m of messages) sock.inject(m);
  sock.inject({ from: '5511900000000', text: 'marker', id: 'MARKER0000000001' });
  return await pollUntil(async () => {
    const ids = await forwarded(session);
    return ids.includes('MARKER0000000001') ? ids.filter((id) => id !== 'MARKER0000000001') : undefined;
  }, 'the marker message in the outbox');
}

describe('forwarded message kinds', () => {
  it('by default: direct chats and the team’s own replies from the phone; no group, broadcast-list or status message costs a queue message', async () => {
    const sock = await openHost('defaults');
    const ids = await injectAll('defaults', sock, [
      { from: '5511987654321', text: 'Oi!', id: 'DIRECT0000000001' },
      { from: '5511987654321', text: 'Taking over — Ana', id: 'TEAMDIRECT000001', fromMe: true },
      { from: GROUP, text: 'bom dia grupo', id: 'GROUP00000000001' },
      { from: GROUP, text: 'bom dia, equipe aqui', id: 'GROUPTEAM0000001', fromMe: true },
      { from: BROADCAST_LIST, text: 'Promoção!', id: 'BROADCAST0000001' },
      { from: 'status@broadcast', text: 'my status', id: 'STATUS0000000001' },
    ]);
    expect(ids.sort()).toEqual(['DIRECT0000000001', 'TEAMDIRECT000001']);
  });

  it('with WA_FORWARD_GROUPS=true (the team turned group replies on): group messages too', async () => {
    const sock = await openHost('groups', { WA_FORWARD_GROUPS: 'true' });
    const ids = await injectAll('groups', sock, [
      { from: GROUP, text: 'bom dia grupo', id: 'GROUP00000000002' },
      { from: BROADCAST_LIST, text: 'Promoção!', id: 'BROADCAST0000002' },
      { from: '5511987654321', text: 'Oi!', id: 'DIRECT0000000002' },
    ]);
    expect(ids.sort()).toEqual(['DIRECT0000000002', 'GROUP00000000002']);
  });
});
