/** The WhatsApp commands (socket-host/commands.ts), signed as the functions sign them, against a real host and database. */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox, waSentMessages } from '../drizzle/schema.ts';
import type { FakeSocket } from '../test-support/fake-socket.ts';
import { pollUntil, signedFetch, startOpenTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startOpenTestHost>>;
let sock: FakeSocket;

beforeAll(async () => {
  t = await startTestDatabase();
  h = await startOpenTestHost(t);
  sock = h.sock;
});
afterAll(async () => {
  await h?.host.stop();
  await t?.close();
});

const CUSTOMER = '5511987654321@s.whatsapp.net';
const command = (path: string, body?: unknown, init: Parameters<typeof signedFetch>[1] = {}) =>
  signedFetch(`${h.host.url}/sessions/main${path}`, { body, ...init });
const location = (messageId: string) => ({
  jid: '+55 11 98765-4321',
  messageId,
  content: { location: { degreesLatitude: -23.56, degreesLongitude: -46.65, name: 'Loja' } },
});

async function refusal(res: Response) {
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...error };
}

describe('the signed WhatsApp commands', () => {
  it('answer only signed requests', async () => {
    const res = await command('/groups', undefined, { signature: null });
    expect(res.status).toBe(401);
    expect(sock.callsOf('groupFetchAllParticipating')).toHaveLength(0);
  });

  it('refuse bad input with a 400 naming the field, and call nothing', async () => {
    const calls = sock.calls.length;
    expect(await refusal(await command('/read', { keys: [] }))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: expect.stringContaining('keys') });
    expect(await refusal(await command('/presence', { jid: 'nobody@example.com', presence: 'composing' }))).toMatchObject({ status: 400, message: expect.stringContaining('jid') });
    expect(await refusal(await command('/on-whatsapp', { phones: ['+55 11'] }))).toMatchObject({ status: 400, message: expect.stringContaining('phones.0') });
    expect(await refusal(await command('/messages', { ...location('3EB0AAAA0000000000000001'), messageId: undefined }))).toMatchObject({
      status: 400,
      message: expect.stringContaining('messageId'),
    });
    expect(await refusal(await signedFetch(`${h.host.url}/sessions/main/profile-picture?jid=x`))).toMatchObject({ status: 400, message: expect.stringContaining('jid') });
    expect(sock.calls.length).toBe(calls);
  });

  it('send a new message once per id, record it as the host’s own, and keep its echo from the team’s messages', async () => {
    const id = '3EB0AAAA0000000000000002';
    const first = await command('/messages', location(id));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ waMessageId: id, duplicate: false });
    const again = await command('/messages', location(id));
    expect(await again.json()).toEqual({ waMessageId: id, duplicate: true });
    expect(sock.callsOf('sendMessage').filter(([, , options]) => (options as { messageId?: string }).messageId === id)).toEqual([
      [CUSTOMER, { location: { degreesLatitude: -23.56, degreesLongitude: -46.65, name: 'Loja' } }, { messageId: id }],
    ]);

    const [row] = await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, id));
    expect(row).toMatchObject({ state: 'sent', remoteJid: CUSTOMER, text: null });
    // Kept for WhatsApp's retry requests (Baileys' getMessage), as /send keeps its messages.
    expect(JSON.parse(row!.message!)).toMatchObject({ locationMessage: { degreesLatitude: -23.56, name: 'Loja' } });
    // Its echo (Baileys emits it on the next tick) is not queued as a message from the team. Events are
    // handled in order, so once a later customer message is queued, the echo has been handled.
    const later = sock.inject({ from: '5511987654321', text: 'Obrigado!' });
    const queued = async () => (await t.db.select({ eventId: waOutbox.eventId }).from(waOutbox)).map((e) => e.eventId);
    await pollUntil(async () => (await queued()).includes(`main:${later.key.id}`), 'the later message queued');
    expect(await queued()).not.toContain(`main:${id}`);
  });

  it('answer 409 SESSION_NOT_OPEN while the number is logged out, and send after it is back', async () => {
    const id = '3EB0AAAA0000000000000003';
    sock.close(401, 'Intentional Logout');
    await pollUntil(() => h.host.sessions.get('main')?.status === 'logged_out', 'the logout');
    const refused = await refusal(await command('/messages', location(id)));
    expect(refused).toMatchObject({ status: 409, code: 'SESSION_NOT_OPEN' });
    expect(refused.message).toContain('is logged_out');
    expect(await refusal(await command('/groups'))).toMatchObject({ status: 409, code: 'SESSION_NOT_OPEN' });

    expect((await signedFetch(`${h.host.url}/sessions/main/start`, { body: {} })).status).toBe(200);
    await pollUntil(() => h.host.sessions.get('main')?.status === 'open', 'the number open again');
    sock = h.fake.latest()!;
    const sent = await command('/messages', location(id));
    expect(await sent.json()).toEqual({ waMessageId: id, duplicate: false });
    expect(sock.callsOf('sendMessage')).toHaveLength(1);
  });

  it('answer 404 for a number this host does not hold', async () => {
    const res = await signedFetch(`${h.host.url}/sessions/other/groups`);
    expect(await refusal(res)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
