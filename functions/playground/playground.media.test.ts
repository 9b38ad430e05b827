import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ playground: true, reply: () => 'Que foto bonita!' });
});
afterAll(() => t?.stop());

const play = (body: unknown) =>
  fetch(`${t.stack.urls.functions}/playground/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The playground customer's messages, as the API shows them. */
async function playgroundMessages(phone: string) {
  const conversations = (await (await t.api('/v1/conversations?sessionId=playground')).json()).data as { id: string; phone: string }[];
  const conversation = conversations.find((c) => c.phone === phone);
  if (!conversation) return [];
  return (await (await t.api(`/v1/conversations/${conversation.id}/messages`)).json()).data as Record<string, any>[];
}

describe('POST /playground/messages with media or a location (local mode)', () => {
  it('a photo is delivered as WhatsApp delivers it: encrypted, fetched from the media servers’ stand-in, decrypted, stored, with its caption', async () => {
    const phone = '15550930001';
    const photo = Uint8Array.from({ length: 40_000 }, (_, i) => (i * 13) % 256);
    const downloads = t.mediaCdn.downloads.length;
    const res = await play({ from: phone, text: 'olha', media: { type: 'image', mimeType: 'image/png', data: Buffer.from(photo).toString('base64') } });
    expect(res.status).toBe(202);

    const inbound = await eventually(async () => (await playgroundMessages(phone)).find((m) => m.direction === 'in' && m.media?.state === 'stored'), 'the photo stored');
    expect(inbound).toMatchObject({ type: 'image', text: 'olha', media: { mimeType: 'image/png', size: photo.length } });
    expect(t.mediaCdn.downloads.length).toBe(downloads + 1);
    const file = await t.api(inbound.media.url);
    expect(Buffer.from(await file.arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
    await eventually(async () => (await playgroundMessages(phone)).some((m) => m.author === 'agent'), 'the reply');
  });

  it('a location is delivered as a location message', async () => {
    const phone = '15550930002';
    expect((await play({ from: phone, location: { latitude: -23.5614, longitude: -46.6559, name: 'MASP' } })).status).toBe(202);
    const inbound = await eventually(async () => (await playgroundMessages(phone)).find((m) => m.direction === 'in'), 'the location stored');
    expect(inbound).toMatchObject({ type: 'location', location: { latitude: -23.5614, longitude: -46.6559, name: 'MASP' } });
  });

  it.each([
    [{ media: { type: 'image', mimeType: 'image/png', data: 'not base64!' } }, 'media.data'],
    [{ media: { type: 'gif', mimeType: 'image/gif', data: 'AAAA' } }, 'media.type'],
    [{}, 'text'],
  ])('bad input is refused with a 400 naming the field (%j)', async (extra, field) => {
    const res = await play({ from: '15550930003', ...extra });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain(field);
  });
});
