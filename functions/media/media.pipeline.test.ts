import { readdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptAsWhatsApp } from '../../socket-host/media-encrypt.ts';
import { messageEvent, normalizeMessage } from '../../socket-host/normalize.ts';
import type { PlaygroundMedia } from '../../socket-host/playground-media.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

const MAX = 200_000;
let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Recebido!', env: { MEDIA_MAX_BYTES: String(MAX) } });
});
afterAll(() => t?.stop());

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 7 + (i >> 8)) % 256);

/** The customer's message as the API shows it, once its reply went out. */
async function shownAfterReply(phone: string) {
  await eventually(() => t.sentTo(phone).length === 1, 'the reply');
  await t.idle();
  const [row] = (await t.rows(phone)).filter((r) => r.direction === 'in');
  const res = await t.api(`/v1/conversations/${row!.conversationId}/messages`);
  const page = (await res.json()) as { data: { id: string; direction: string; type: string; text: string; media: Record<string, unknown> | null }[] };
  return page.data.find((m) => m.direction === 'in')!;
}

const storedFiles = async () => await readdir(t.mediaDir).catch(() => [] as string[]);

const kinds: (PlaygroundMedia & { phone: string })[] = [
  { phone: '15550920001', type: 'image', data: bytes(48_211, 1), mimeType: 'image/jpeg', caption: 'quanto custa?' },
  { phone: '15550920002', type: 'voice', data: bytes(5_123, 2), mimeType: 'audio/ogg; codecs=opus' },
  { phone: '15550920003', type: 'document', data: bytes(100_000, 3), mimeType: 'application/pdf', fileName: 'orçamento 2026.pdf' },
  { phone: '15550920004', type: 'sticker', data: bytes(20_480, 4), mimeType: 'image/webp' },
];

describe('media a customer sends, through the real stack', () => {
  it.each(kinds)('a $type is fetched from the media servers, decrypted, stored, typed, and served at media.url to key holders only', async (k) => {
    const before = (await storedFiles()).length;
    await t.customerSendsMedia(k.phone, k);
    const shown = await shownAfterReply(k.phone);

    expect(shown).toMatchObject({ type: k.type, text: k.caption ?? '' });
    expect(shown.media).toEqual({
      mimeType: k.mimeType,
      size: k.data.length,
      ...(k.fileName ? { fileName: k.fileName } : {}),
      url: `/v1/media/${shown.id}`,
      state: 'stored',
    });
    const res = await t.api(shown.media!.url as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(k.mimeType);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(k.data))).toBe(true);
    if (k.fileName) expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(k.fileName)}`);

    const anonymous = await fetch(`${t.stack.urls.functions}${shown.media!.url}`);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).error.code).toBe('UNAUTHORIZED');

    // One file in the bucket, under a key that names neither the message nor the customer.
    const files = await storedFiles();
    expect(files.length).toBe(before + 1);
    const added = files.filter((f) => !f.includes(shown.id) && !f.includes(k.phone));
    expect(added.length).toBe(files.length);
  });

  it('a tampered file (bad MAC) is refused: the message is still stored and answered, its media unavailable with the reason', async () => {
    const phone = '15550920010';
    const enc = await encryptAsWhatsApp(bytes(10_000, 10), 'image');
    const file = enc.file.slice();
    file[5_000]! ^= 0x40;
    const { url, directPath } = t.mediaCdn.upload(file);
    const before = (await storedFiles()).length;
    t.customerSends(phone, {
      imageMessage: { url, directPath, mediaKey: enc.mediaKey, fileSha256: enc.fileSha256, fileLength: enc.fileLength, mimetype: 'image/jpeg', caption: 'olha' },
    });
    const shown = await shownAfterReply(phone);

    expect(shown).toMatchObject({ type: 'image', text: 'olha' });
    expect(shown.media).toMatchObject({ state: 'unavailable', unavailableReason: 'the file’s MAC does not match (tampered or corrupted)' });
    const res = await t.api(shown.media!.url as string);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('MAC does not match');
    expect((await storedFiles()).length).toBe(before);
  });

  it(`a file over MEDIA_MAX_BYTES (${MAX}) is not kept, whether its size is announced or only found while fetching`, async () => {
    const announced = { phone: '15550920020', type: 'document', data: bytes(MAX + 1, 20), mimeType: 'application/pdf', fileName: 'big.pdf' } as const;
    const downloadsBefore = t.mediaCdn.downloads.length;
    await t.customerSendsMedia(announced.phone, announced);
    const shown = await shownAfterReply(announced.phone);
    expect(shown.media).toMatchObject({ state: 'unavailable', unavailableReason: `the file is larger than MEDIA_MAX_BYTES (${MAX} bytes)` });
    // Refused from the size the message announced: never downloaded.
    expect(t.mediaCdn.downloads.length).toBe(downloadsBefore);

    // A message that lies about its size: the download stops at the cap.
    const phone = '15550920021';
    const enc = await encryptAsWhatsApp(bytes(MAX * 2, 21), 'document');
    const { url, directPath } = t.mediaCdn.upload(enc.file);
    t.customerSends(phone, {
      documentMessage: { url, directPath, mediaKey: enc.mediaKey, fileEncSha256: enc.fileEncSha256, fileLength: 1_000, mimetype: 'application/pdf', fileName: 'small.pdf' },
    });
    const lied = await shownAfterReply(phone);
    expect(lied.media).toMatchObject({ state: 'unavailable', unavailableReason: `the file is larger than MEDIA_MAX_BYTES (${MAX} bytes)` });
    expect(t.mediaCdn.downloads.length).toBe(downloadsBefore + 1);
  });

  it('a redelivered event neither fetches nor stores the file again', async () => {
    const phone = '15550920030';
    const sent = await t.customerSendsMedia(phone, { type: 'voice', data: bytes(7_000, 30), mimeType: 'audio/ogg; codecs=opus' });
    const shown = await shownAfterReply(phone);
    expect(shown.media).toMatchObject({ state: 'stored' });
    const downloads = t.mediaCdn.downloads.length;
    const files = await storedFiles();

    // The queue delivers the same event again (at-least-once), twice.
    const event = messageEvent('default', normalizeMessage(sent, 'notify', Math.floor(Date.now() / 1000))!, new Date());
    for (let i = 0; i < 2; i++) await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
    await t.idle();

    expect(t.mediaCdn.downloads.length).toBe(downloads);
    expect(await storedFiles()).toEqual(files);
    expect(t.sentTo(phone)).toHaveLength(1);
    const res = await t.api(shown.media!.url as string);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes(7_000, 30)))).toBe(true);
  });

  it('a photo the team sends from the linked phone is kept too', async () => {
    const phone = '15550920050';
    const photo = bytes(9_000, 50);
    const fake = t.fake.latest()!;
    await fake.injectMedia({ from: phone, fromMe: true, media: { type: 'image', data: photo, mimeType: 'image/jpeg', caption: 'segue a foto' } });
    const row = await eventually(async () => (await t.rows(phone)).find((r) => r.author === 'human'), 'the team’s message stored');
    const shown = await eventually(async () => {
      const page = (await (await t.api(`/v1/conversations/${row.conversationId}/messages`)).json()) as { data: { media: Record<string, unknown> | null }[] };
      return page.data.find((m) => m.media?.state === 'stored');
    }, 'its photo kept');
    expect(shown).toMatchObject({ author: 'human', type: 'image', text: 'segue a foto', media: { size: photo.length } });
    expect(Buffer.from(await (await t.api(shown.media!.url as string)).arrayBuffer()).equals(Buffer.from(photo))).toBe(true);
  });

  it('media.url of a message without media, or of no message, answers 404', async () => {
    const res = await t.api('/v1/media/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    t.customerWrites('15550920040', 'só texto');
    await eventually(() => t.sentTo('15550920040').length === 1, 'the reply');
    const [row] = await t.rows('15550920040');
    expect((await t.api(`/v1/media/${row!.id}`)).status).toBe(404);
  });
});
