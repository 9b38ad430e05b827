import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { proto } from '@whiskeysockets/baileys';
import { fixtures } from '../../socket-host/normalize.fixtures.ts';
import type { PlaygroundMedia } from '../../socket-host/playground-media.ts';
import { textOf } from '../../test-support/fake-openai.ts';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
const DURING = { phone: '15550910400', id: '3EB0DELETEDURING00001' };
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<{ conversationId: string; message: Record<string, unknown> }>[] = [];

beforeAll(async () => {
  // A window long enough for a delete sent right after its message to arrive before the reply.
  t = await startPipelineStack({
    settings: { burstWindowMs: 1000 },
    reply: () => 'Desculpe, não consigo ouvir áudios. Pode escrever?',
    // The customer deletes this one while the model is still writing the answer.
    modelDelayMs: (req) => {
      if (!req.messages.some((m) => textOf(m.content).includes('DELETE WHILE COMPOSING'))) return 0;
      t.customerSends(DURING.phone, { protocolMessage: { key: { remoteJid: `${DURING.phone}@s.whatsapp.net`, fromMe: false, id: DURING.id }, type: 0 } });
      return 2000;
    },
  });
  const subscribed = await subscribeReceiver<{ conversationId: string; message: Record<string, unknown> }>(t, ['message.received']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

async function apiMessages(conversationId: string): Promise<Record<string, unknown>[]> {
  const res = await t.api(`/v1/conversations/${conversationId}/messages`);
  expect(res.status).toBe(200);
  return (await res.json()).data;
}

const lastUserTurn = (i: number) => t.model.requests[i]!.messages.filter((m) => m.role === 'user').at(-1)!.content;
const system = (i: number) => t.model.requests[i]!.messages.find((m) => m.role === 'system')!.content;

// Files are encrypted as WhatsApp does and served by the stand-in of its media servers: no test reaches WhatsApp.
const kinds: ({ name: string; type: string; note: string; shown: Record<string, unknown> } & ({ message: proto.IMessage } | { media: PlaygroundMedia }))[] = [
  {
    name: 'a voice note',
    media: { type: 'voice', data: new Uint8Array(5123), mimeType: 'audio/ogg; codecs=opus' },
    type: 'voice',
    note: '[the customer sent a voice note, which you could not listen to]',
    shown: { text: '', media: { mimeType: 'audio/ogg; codecs=opus', size: 5123, state: 'stored' }, location: null },
  },
  {
    name: 'an image with a caption',
    media: { type: 'image', data: new Uint8Array(48_211), mimeType: 'image/jpeg', caption: 'quanto custa?' },
    type: 'image',
    note: '[the customer sent a photo, which you cannot see]\nquanto custa?',
    shown: { text: 'quanto custa?', media: { mimeType: 'image/jpeg', size: 48_211, state: 'stored' } },
  },
  {
    name: 'a location',
    message: fixtures.location.message,
    type: 'location',
    note: '[the customer shared a location: MASP, Av. Paulista, 1578 - São Paulo, latitude -23.5614, longitude -46.6559]',
    shown: { media: null, location: { latitude: -23.5614, longitude: -46.6559, name: 'MASP', address: 'Av. Paulista, 1578 - São Paulo', live: false } },
  },
  {
    name: 'a contact card',
    message: fixtures.contactCard.message,
    type: 'contact',
    note: '[the customer shared a contact card: Ana Souza]',
    shown: { contacts: [{ name: 'Ana Souza', vcard: expect.stringContaining('TEL;type=CELL') }] },
  },
  {
    name: 'a sticker',
    media: { type: 'sticker', data: new Uint8Array(20_480), mimeType: 'image/webp' },
    type: 'sticker',
    note: '[the customer sent a sticker, which you cannot see]',
    shown: { media: { mimeType: 'image/webp', size: 20_480, state: 'stored' } },
  },
];

describe('what a customer sends besides text', () => {
  it.each(kinds.map((k, i) => ({ ...k, phone: `1555091000${i}` })))(
    '$name is stored typed, shown by the API and the webhook, and answered once, the model told what it could not read',
    async ({ phone, type, note, shown, ...sent }) => {
      const calls = t.model.requests.length;
      if ('media' in sent) await t.customerSendsMedia(phone, sent.media);
      else t.customerSends(phone, sent.message);
      await eventually(() => t.sentTo(phone).length === 1, 'the reply');
      await t.idle();

      expect(t.sentTo(phone)).toHaveLength(1);
      const rows = await t.rows(phone);
      expect(rows.map((r) => [r.direction, r.type])).toEqual([
        ['in', type],
        ['out', 'text'],
      ]);
      const [reply, inbound] = await apiMessages(rows[0]!.conversationId);
      expect(inbound).toMatchObject({ type, direction: 'in', author: 'customer', deleted: false, edited: false, reactions: [], ...shown });
      expect(reply).toMatchObject({ type: 'text', author: 'agent', media: null });
      // The private reference to WhatsApp's encrypted file is never shown.
      expect(JSON.stringify(inbound)).not.toMatch(/mediaKey|directPath|mmg\.whatsapp\.net/);
      const hook = received.find((e) => e.data.message.id === inbound!.id);
      expect(hook?.data.message).toEqual(inbound);

      expect(t.model.requests.length - calls).toBe(1);
      expect(lastUserTurn(calls)).toBe(note);
      expect(system(calls)).toContain('say kindly, in the customer’s language, what you could not read');
    },
  );

  it('a burst mixing text and a voice note gets one reply that considers both', async () => {
    const phone = '15550910100';
    const calls = t.model.requests.length;
    t.customerWrites(phone, 'Oi, escuta isso');
    await t.customerSendsMedia(phone, { type: 'voice', data: new Uint8Array(5123), mimeType: 'audio/ogg; codecs=opus' });
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    await t.idle();
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(t.model.requests.length - calls).toBe(1);
    expect(lastUserTurn(calls)).toBe('Oi, escuta isso\n[the customer sent a voice note, which you could not listen to]');
  });
});

describe('reactions, edits and deletes', () => {
  it('a reaction and an edit update the message they refer to, add no row and get no reply; the model then reads the edited text', async () => {
    const phone = '15550910200';
    t.customerWrites(phone, 'Vocês abrem sábado?', { id: '3EB0EDITME00000000001' });
    await eventually(() => t.sentTo(phone).length === 1, 'the first reply');
    await t.idle();
    const ourReply = t.sentTo(phone)[0]!;
    const calls = t.model.requests.length;
    const { conversationId } = (await t.rows(phone))[0]!;

    t.customerSends(phone, { reactionMessage: { key: { remoteJid: ourReply.to, fromMe: true, id: ourReply.id }, text: '❤️', senderTimestampMs: Date.now() } });
    t.customerSends(phone, {
      editedMessage: {
        message: {
          protocolMessage: { key: { remoteJid: ourReply.to, fromMe: false, id: '3EB0EDITME00000000001' }, type: 14, editedMessage: { conversation: 'Vocês abrem domingo?' } },
        },
      },
    });
    await eventually(async () => {
      const [reply, question] = await apiMessages(conversationId);
      return (reply!.reactions as unknown[]).length === 1 && question!.edited === true;
    }, 'the reaction and the edit applied');
    await t.idle();

    const [reply, question] = await apiMessages(conversationId);
    expect(reply).toMatchObject({ author: 'agent', reactions: [{ emoji: '❤️', from: 'customer' }] });
    expect(question).toMatchObject({ text: 'Vocês abrem domingo?', edited: true, deleted: false });
    expect(await t.rows(phone)).toHaveLength(2);
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(t.model.requests.length).toBe(calls);
    expect(received.filter((e) => e.data.conversationId === conversationId)).toHaveLength(1);

    // Taking the reaction back empties it.
    t.customerSends(phone, { reactionMessage: { key: { remoteJid: ourReply.to, fromMe: true, id: ourReply.id }, text: '' } });
    await eventually(async () => ((await apiMessages(conversationId))[0]!.reactions as unknown[]).length === 0, 'the reaction taken back');

    t.customerWrites(phone, 'E que horas?');
    await eventually(() => t.sentTo(phone).length === 2, 'the second reply');
    const history = t.model.requests.at(-1)!.messages.map((m) => m.content).join('\n');
    expect(history).toContain('Vocês abrem domingo?');
    expect(history).not.toContain('Vocês abrem sábado?');
  });

  it('a message deleted before its reply is sent gets no reply, and shows as deleted', async () => {
    const phone = '15550910300';
    const calls = t.model.requests.length;
    t.customerWrites(phone, 'Meu CPF é 123.456.789-00', { id: '3EB0DELETEME000000001' });
    t.customerSends(phone, { protocolMessage: { key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false, id: '3EB0DELETEME000000001' }, type: 0 } });
    await eventually(async () => (await t.rows(phone)).length === 1, 'the message stored');
    await t.idle();
    await new Promise((r) => setTimeout(r, 1200));
    await t.idle();

    expect(t.sentTo(phone)).toHaveLength(0);
    expect(t.model.requests.length).toBe(calls);
    const rows = await t.rows(phone);
    expect(rows.filter((r) => r.direction === 'out' && r.status !== 'suppressed')).toHaveLength(0);
    const [shown, ...more] = await apiMessages(rows[0]!.conversationId);
    expect(shown).toMatchObject({ direction: 'in', deleted: true });
    expect(more).toHaveLength(0);
  });

  it('a message deleted while its reply is being written: the reply is kept, not sent', async () => {
    const calls = t.model.requests.length;
    t.customerWrites(DURING.phone, 'DELETE WHILE COMPOSING', { id: DURING.id });
    await eventually(() => t.model.requests.length > calls, 'the model asked');
    await eventually(async () => (await t.rows(DURING.phone)).some((r) => r.direction === 'out' && r.status === 'suppressed'), 'the reply held back');
    await t.idle();

    expect(t.sentTo(DURING.phone)).toHaveLength(0);
    const out = (await t.rows(DURING.phone)).filter((r) => r.direction === 'out');
    expect(out).toMatchObject([{ status: 'suppressed', error: 'the customer deleted the message this reply answers' }]);
    const shown = await apiMessages(out[0]!.conversationId);
    expect(shown).toMatchObject([{ direction: 'in', deleted: true }]);
  });
});
