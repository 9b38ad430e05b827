import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { subscribeReceiver } from '../../test-support/webhook-receiver.ts';

/**
 * The WhatsApp calls integrators use, end to end: /v1 → signed command → socket-host → the fake
 * socket, which records each Baileys call with its arguments as Baileys would get them.
 */
const ANA = '5511987654321';
const ANA_JID = `${ANA}@s.whatsapp.net`;
const BRUNO = '5511900000002';
const BRUNO_JID = `${BRUNO}@s.whatsapp.net`;

let t: PipelineStack;
let conversationId: string;
let agentReply: { id: string; waMessageId: string };

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Olá! Como posso ajudar?' });
  await eventually(() => t.fake.latest()?.state === 'open', 'the number to be open');
  t.customerWrites(ANA, 'Oi, vocês abrem amanhã?');
  const reply = await eventually(async () => (await t.rows(ANA)).find((r) => r.direction === 'out' && r.status === 'sent'), 'the agent’s reply to be sent');
  agentReply = reply;
  conversationId = reply.conversationId;
});
afterAll(() => t?.stop());

const socket = () => t.fake.latest()!;
const lastCall = (method: string) => socket().callsOf(method).at(-1);
const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.api(path, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body), headers });

/** The contract's envelope, with the field named. */
async function problem(res: Response) {
  const body = (await res.json()) as { error: { code: string; message: string; details?: { field: string }[] } };
  return { status: res.status, code: body.error.code, message: body.error.message, fields: (body.error.details ?? []).map((d) => d.field) };
}

async function storedMessage(id: string) {
  const [row] = await t.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

describe('read receipts and presence', () => {
  it('marks what the customer said since the last answer read, with readMessages and their keys', async () => {
    expect((await post(`/v1/conversations/${conversationId}/pause`, {})).status).toBe(200);
    const first = t.customerWrites(ANA, 'Queria encomendar flores');
    const second = t.customerWrites(ANA, 'Para sábado');
    await eventually(async () => (await t.rows(ANA)).filter((r) => r.direction === 'in').length === 3, 'both messages stored');

    const res = await post(`/v1/conversations/${conversationId}/read`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ read: 2 });
    expect(lastCall('readMessages')).toEqual([
      [
        { remoteJid: ANA_JID, id: first.key.id, fromMe: false },
        { remoteJid: ANA_JID, id: second.key.id, fromMe: false },
      ],
    ]);
  });

  it('shows typing with sendPresenceUpdate and refuses an unknown presence, naming the field', async () => {
    const res = await post(`/v1/conversations/${conversationId}/presence`, { presence: 'recording' });
    expect(res.status).toBe(204);
    expect(lastCall('sendPresenceUpdate')).toEqual(['recording', ANA_JID]);

    const bad = await problem(await post(`/v1/conversations/${conversationId}/presence`, { presence: 'dancing' }));
    expect(bad).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['presence'] });
  });

  it('answers 404 for a conversation that does not exist, 400 for an id that cannot be one', async () => {
    const res = await post('/v1/conversations/0b0e9a4e-2f8f-4a57-9b8f-5e4c3b9e1a11/read');
    expect((await problem(res)).status).toBe(404);
    expect(await problem(await post('/v1/conversations/not-a-uuid/read'))).toMatchObject({ status: 400, fields: ['id'] });
  });
});

describe('reactions, edits and deletes', () => {
  it('reacts with sendMessage({ react }) naming the message’s key, and the echo lands on the message', async () => {
    const inbound = (await t.rows(ANA)).find((r) => r.direction === 'in')!;
    const res = await post(`/v1/messages/${inbound.id}/reaction`, { emoji: '👍' });
    expect(res.status).toBe(200);
    expect(lastCall('sendMessage')).toEqual([ANA_JID, { react: { key: { remoteJid: ANA_JID, id: inbound.waMessageId, fromMe: false }, text: '👍' } }, {}]);
    await eventually(async () => (await storedMessage(inbound.id)).reactions?.some((r) => r.emoji === '👍' && r.from === 'team'), 'the reaction on the message');

    // An empty emoji takes it back.
    expect((await post(`/v1/messages/${inbound.id}/reaction`, { emoji: '' })).status).toBe(200);
    expect(lastCall('sendMessage')![1]).toEqual({ react: { key: { remoteJid: ANA_JID, id: inbound.waMessageId, fromMe: false }, text: '' } });

    expect(await problem(await post(`/v1/messages/${inbound.id}/reaction`, { emoji: 'ok' }))).toMatchObject({ status: 400, fields: ['emoji'] });
  });

  it('refuses read receipts and reactions for a group member’s message, whose author it cannot name', async () => {
    const [group] = await t.db.insert(conversations).values({ sessionId: 'default', contactJid: '120363025246125888@g.us' }).returning();
    const [said] = await t.db
      .insert(messages)
      .values({ conversationId: group!.id, sessionId: 'default', waMessageId: 'GROUPMSG00000001', direction: 'in', author: 'customer', text: 'oi', status: 'received' })
      .returning();
    const calls = socket().calls.length;
    expect(await problem(await post(`/v1/messages/${said!.id}/reaction`, { emoji: '👍' }))).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await problem(await post(`/v1/conversations/${group!.id}/read`))).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(socket().calls.length).toBe(calls);
  });

  it('edits a sent text with sendMessage({ text, edit }) and the stored text follows', async () => {
    const res = await post(`/v1/messages/${agentReply.id}/edit`, { text: 'Olá! Abrimos amanhã às 9h.' });
    expect(res.status).toBe(200);
    expect(lastCall('sendMessage')).toEqual([ANA_JID, { text: 'Olá! Abrimos amanhã às 9h.', edit: { remoteJid: ANA_JID, id: agentReply.waMessageId, fromMe: true } }, {}]);
    await eventually(async () => (await storedMessage(agentReply.id)).text === 'Olá! Abrimos amanhã às 9h.', 'the edited text stored');

    expect(await problem(await post(`/v1/messages/${agentReply.id}/edit`, { text: '' }))).toMatchObject({ status: 400, fields: ['text'] });
    const inbound = (await t.rows(ANA)).find((r) => r.direction === 'in')!;
    const theirs = await problem(await post(`/v1/messages/${inbound.id}/edit`, { text: 'not mine' }));
    expect(theirs).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(theirs.message).toContain('sent by the customer');
  });

  it('deletes a sent message for everyone with sendMessage({ delete }) and the message is marked deleted', async () => {
    const res = await t.api(`/v1/messages/${agentReply.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(lastCall('sendMessage')).toEqual([ANA_JID, { delete: { remoteJid: ANA_JID, id: agentReply.waMessageId, fromMe: true } }, {}]);
    await eventually(async () => (await storedMessage(agentReply.id)).deletedAt, 'the message marked deleted');
    expect((await problem(await t.api(`/v1/messages/${agentReply.id}`, { method: 'DELETE' }))).status).toBe(409);
    expect((await problem(await t.api('/v1/messages/not-a-uuid', { method: 'DELETE' }))).fields).toEqual(['id']);
  });
});

describe('locations and contact cards', () => {
  it('sends a location once per Idempotency-Key, stores it, and its echo does not pause the agent', async () => {
    const body = { to: `+${BRUNO}`, latitude: -23.5614, longitude: -46.6559, name: 'Floricultura Paulista', address: 'Av. Paulista, 1000' };
    const headers = { 'idempotency-key': 'location-1' };
    const hooks = await subscribeReceiver<{ message: { id: string; type: string } }>(t, ['message.sent']);
    const res = await post('/v1/messages/location', body, headers);
    expect(res.status).toBe(200);
    const sent = (await res.json()) as { id: string; conversationId: string; status: string };
    expect(sent.status).toBe('sent');
    const [call] = socket().callsOf('sendMessage').filter(([to, content]) => to === BRUNO_JID && 'location' in (content as object));
    expect(call).toEqual([
      BRUNO_JID,
      { location: { degreesLatitude: -23.5614, degreesLongitude: -46.6559, name: 'Floricultura Paulista', address: 'Av. Paulista, 1000' } },
      { messageId: expect.stringMatching(/^3EB0[0-9A-F]{18}$/) },
    ]);

    const again = await post('/v1/messages/location', body, headers);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(sent);
    expect(socket().callsOf('sendMessage').filter(([to]) => to === BRUNO_JID)).toHaveLength(1);

    const stored = await storedMessage(sent.id);
    expect(stored).toMatchObject({ type: 'location', author: 'api', status: 'sent', location: { latitude: -23.5614, longitude: -46.6559, name: 'Floricultura Paulista', live: false } });
    await t.idle();
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(conversation!.pausedUntil).toBeNull();
    expect(await t.rows(BRUNO)).toHaveLength(1);
    // Subscribers hear of it as of any sent message, once.
    await eventually(() => hooks.received.length > 0, 'the message.sent webhook');
    expect(hooks.received.map((h) => [h.type, h.data.message.id, h.data.message.type])).toEqual([['message.sent', sent.id, 'location']]);
    await hooks.close();

    expect(await problem(await post('/v1/messages/location', { ...body, latitude: 91 }))).toMatchObject({ status: 400, fields: ['latitude'] });
  });

  it('sends contact cards as vCards made from a name and a phone', async () => {
    const res = await post('/v1/messages/contacts', { to: BRUNO, contacts: [{ name: 'Ana; Souza', phone: '+5511987650000' }] });
    expect(res.status).toBe(200);
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Ana\\; Souza\nTEL;type=CELL;waid=5511987650000:+5511987650000\nEND:VCARD';
    expect(lastCall('sendMessage')).toEqual([
      BRUNO_JID,
      { contacts: { displayName: 'Ana; Souza', contacts: [{ displayName: 'Ana; Souza', vcard }] } },
      { messageId: expect.stringMatching(/^[0-9A-F]{16,40}$/) },
    ]);
    const { id } = (await res.json()) as { id: string };
    expect(await storedMessage(id)).toMatchObject({ type: 'contact', status: 'sent', contacts: [{ name: 'Ana; Souza', vcard }] });

    const bad = await problem(await post('/v1/messages/contacts', { to: BRUNO, contacts: [{ name: 'No number' }] }));
    expect(bad).toMatchObject({ status: 400, fields: ['contacts.0.phone'] });
  });
});

describe('lookups', () => {
  it('says whether a number is on WhatsApp and its LID, from onWhatsApp and the LID mapping', async () => {
    socket().directory.users.set(ANA, '123456789012345@lid');
    const res = await t.api(`/v1/sessions/default/numbers/+${ANA}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ phone: ANA, exists: true, jid: ANA_JID, lid: '123456789012345@lid' });
    expect(lastCall('onWhatsApp')).toEqual([ANA]);
    expect(lastCall('signalRepository.lidMapping.getLIDForPN')).toEqual([ANA_JID]);

    expect(await (await t.api('/v1/sessions/default/numbers/4915100000000')).json()).toEqual({ phone: '4915100000000', exists: false, jid: null, lid: null });
    expect(await problem(await t.api('/v1/sessions/default/numbers/abc'))).toMatchObject({ status: 400, fields: ['phone'] });
  });

  it('gives a contact’s stored name and profile picture from profilePictureUrl(jid, "image")', async () => {
    socket().directory.pictures.set(ANA_JID, 'https://pps.whatsapp.net/v/t61/ana.jpg');
    const res = await t.api(`/v1/sessions/default/contacts/${ANA}/profile`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ contactId: ANA_JID, phone: ANA, name: 'Playground customer', pictureUrl: 'https://pps.whatsapp.net/v/t61/ana.jpg' });
    expect(lastCall('profilePictureUrl')).toEqual([ANA_JID, 'image']);

    // No picture (or one privacy hides): null, not an error.
    const none = await (await t.api(`/v1/sessions/default/contacts/${BRUNO_JID}/profile`)).json();
    expect(none).toMatchObject({ contactId: BRUNO_JID, pictureUrl: null });
    expect(await problem(await t.api('/v1/sessions/default/contacts/someone@example.com/profile'))).toMatchObject({ status: 400, fields: ['contact'] });
  });

  it('lists the groups the number is in from groupFetchAllParticipating', async () => {
    socket().directory.groups['120363025246125888@g.us'] = {
      id: '120363025246125888@g.us',
      subject: 'Clientes VIP',
      owner: '123456789012345@lid',
      ownerPn: ANA_JID,
      creation: 1_700_000_000,
      desc: 'Ofertas',
      announce: true,
      participants: [
        { id: '123456789012345@lid', phoneNumber: ANA_JID, admin: 'superadmin' },
        { id: '987654321098765@lid', admin: null },
      ],
    };
    const res = await t.api('/v1/sessions/default/groups');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      data: [
        {
          id: '120363025246125888@g.us',
          subject: 'Clientes VIP',
          description: 'Ofertas',
          owner: ANA_JID,
          size: 2,
          createdAt: '2023-11-14T22:13:20.000Z',
          announce: true,
          restrict: false,
          participants: [
            { id: '123456789012345@lid', phoneNumber: ANA_JID, admin: 'superadmin' },
            { id: '987654321098765@lid', phoneNumber: null, admin: null },
          ],
        },
      ],
    });
    expect(lastCall('groupFetchAllParticipating')).toEqual([]);
    expect(await problem(await t.api('/v1/sessions/no%20such/groups'))).toMatchObject({ status: 400, fields: ['id'] });
  });
});

describe('scopes and a number that is not open', () => {
  it('needs messages:write to send and conversations:read to look up', async () => {
    const created = await post('/v1/keys', { name: 'reader', scopes: ['conversations:read'] });
    const { key } = (await created.json()) as { key: string };
    const asReader = (path: string, init: RequestInit = {}) => t.api(path, { ...init, headers: { authorization: `Bearer ${key}` } });
    expect((await asReader(`/v1/conversations/${conversationId}/read`, { method: 'POST' })).status).toBe(403);
    expect((await asReader('/v1/sessions/default/groups')).status).toBe(200);
  });

  it('answers 404 for a number the socket-host does not hold and 409 SESSION_NOT_OPEN once it is logged out', async () => {
    expect(await problem(await t.api('/v1/sessions/nobody/groups'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    const calls = socket().calls.length;
    socket().close(401, 'Intentional Logout');
    await eventually(async () => (await (await t.api('/v1/sessions')).json()).data[0].status === 'logged_out', 'the number logged out');

    const inbound = (await t.rows(ANA)).find((r) => r.direction === 'in')!;
    for (const res of [
      await t.api('/v1/sessions/default/groups'),
      await post(`/v1/conversations/${conversationId}/presence`, { presence: 'composing' }),
      await post(`/v1/messages/${inbound.id}/reaction`, { emoji: '❤️' }),
      await post('/v1/messages/location', { to: BRUNO, latitude: 1, longitude: 2 }),
    ]) {
      const error = await problem(res);
      expect(error).toMatchObject({ status: 409, code: 'SESSION_NOT_OPEN' });
      expect(error.message).toContain('is logged_out');
    }
    expect(socket().calls.length).toBe(calls);
  });
});
