import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listen } from '../../local/listen.ts';
import { startHarness, type Harness } from './test-harness.ts';

/**
 * Sending files: POST /v1/messages and the human reply route take `media` (base64 or a URL), keep the
 * file, and the socket-host sends it as WhatsApp media, once, whatever the retries.
 */

const randomPhone = () => `4917${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

// Real file headers, so the type can also be recognised from the bytes.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...Array.from({ length: 200 }, (_, i) => i % 251)]);
const PDF = new TextEncoder().encode('%PDF-1.4\n% a menu\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
const OGG = Uint8Array.from([0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, ...Array.from({ length: 300 }, (_, i) => (i * 7) % 256)]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

let h: Harness;
let mediaDir: string;
let files: Awaited<ReturnType<typeof listen>>;
let fileRequests = 0;

beforeAll(async () => {
  mediaDir = await mkdtemp(join(tmpdir(), 'send-media-'));
  h = await startHarness({ env: { MEDIA_DIR: mediaDir } });
  // A customer-facing file server: the PDF a team links to, a missing file, and a redirect to the PDF.
  const app = new Hono()
    .get('/files/menu.pdf', (c) => {
      fileRequests++;
      return c.body(PDF as Uint8Array<ArrayBuffer>, 200, { 'content-type': 'application/pdf' });
    })
    .get('/files/moved', (c) => c.redirect('/files/menu.pdf'))
    .get('/files/gone.pdf', (c) => c.body('gone', 404))
    .get('/files/big.bin', (c) => c.body(new Uint8Array(4096).fill(1), 200, { 'content-type': 'application/octet-stream' }));
  files = await listen(app.fetch);
});
afterAll(async () => {
  await h?.close();
  await files?.close();
  await rm(mediaDir, { recursive: true, force: true });
});

function send(body: unknown, idempotencyKey?: string) {
  return h.call('/v1/messages', { method: 'POST', json: body, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
}

async function conversationMessages(conversationId: string) {
  const res = await h.call(`/v1/conversations/${conversationId}/messages`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}

describe('POST /v1/messages with media', () => {
  it('sends an image given as base64, with its caption, once even when the request is retried', async () => {
    const phone = randomPhone();
    const key = `photo-${crypto.randomUUID()}`;
    const body = { to: phone, text: 'Your cake, ready!', media: { type: 'image', data: b64(PNG) } };
    const first = await send(body, key);
    expect(first.status).toBe(202);
    const accepted = (await first.json()) as { id: string; conversationId: string };
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));

    const retried = await send(body, key);
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual(accepted);
    await h.qstash.idle();

    const [sent] = h.fake!.sent(phone);
    expect(h.fake!.sent(phone)).toHaveLength(1);
    expect(sent!.text).toBe('Your cake, ready!');
    expect(sent!.media).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(Buffer.from(sent!.media!.data).equals(Buffer.from(PNG))).toBe(true);
    // What WhatsApp gets is an image message whose caption is the text.
    expect(sent!.message.message?.imageMessage?.caption).toBe('Your cake, ready!');

    const [message] = await conversationMessages(accepted.conversationId);
    expect(message).toMatchObject({ id: accepted.id, type: 'image', author: 'api', text: 'Your cake, ready!', status: 'sent' });
    expect(message!.media).toMatchObject({ mimeType: 'image/png', size: PNG.length, url: `/v1/media/${accepted.id}` });
    const download = await h.call(`/v1/media/${accepted.id}`);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(PNG))).toBe(true);
    // One file kept for the message: what the retry kept was let go.
    const kept = await h.db.execute(sql`select media->'stored'->>'key' as key from messages where media->'stored' is not null`);
    expect((await readdir(mediaDir)).sort()).toEqual((kept as unknown as { rows: { key: string }[] }).rows.map((r) => r.key).sort());
  });

  it('sends a document fetched once from a URL (through a redirect), named after it, once for two requests with one key', async () => {
    const phone = randomPhone();
    const key = `menu-${crypto.randomUUID()}`;
    const before = fileRequests;
    const body = { to: phone, text: 'Our menu', media: { type: 'document', url: `${files.url}/files/moved` } };
    const [a, b] = [await send(body, key), await send(body, key)];
    expect([a.status, b.status]).toEqual([202, 202]);
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));
    await h.qstash.idle();
    expect(h.fake!.sent(phone)).toHaveLength(1);
    expect(fileRequests - before).toBe(1);
    const [sent] = h.fake!.sent(phone);
    expect(sent!.media).toMatchObject({ type: 'document', mimeType: 'application/pdf', fileName: 'menu.pdf' });
    expect(Buffer.from(sent!.media!.data).equals(Buffer.from(PDF))).toBe(true);
    expect(sent!.message.message?.documentMessage).toMatchObject({ fileName: 'menu.pdf', caption: 'Our menu', mimetype: 'application/pdf' });
  });

  it('sends a voice note as a ptt audio in Opus, showing "recording audio" first', async () => {
    const phone = randomPhone();
    const res = await send({ to: phone, media: { type: 'voice', data: b64(OGG), mimeType: 'audio/ogg' } });
    expect(res.status).toBe(202);
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));
    const [sent] = h.fake!.sent(phone);
    expect(sent!.media).toMatchObject({ type: 'voice', mimeType: 'audio/ogg; codecs=opus' });
    expect(sent!.message.message?.audioMessage?.ptt).toBe(true);
    const presences = h.fake!.latest()!.presences.filter((p) => p.jid === `${phone}@s.whatsapp.net`).map((p) => p.type);
    expect(presences).toEqual(['recording', 'paused']);
  });

  it('refuses bad files with a 4xx naming the field, and keeps nothing', async () => {
    const phone = randomPhone();
    const before = await h.snapshot();
    const filesBefore = await readdir(mediaDir, { recursive: true });
    const cases: [unknown, number, string, RegExp][] = [
      [{ type: 'image', data: 'not base64!!' }, 400, 'media.data', /base64/],
      [{ type: 'image', data: b64(PNG), mimeType: 'image/gif' }, 400, 'media.mimeType', /image\/gif cannot be sent as an image; WhatsApp takes image\/jpeg, image\/png/],
      [{ type: 'video', data: b64(Uint8Array.from([1, 2, 3, 4])) }, 400, 'media.mimeType', /could not be recognised/],
      [{ type: 'document', url: `${files.url}/files/gone.pdf` }, 400, 'media.url', /answered 404/],
      [{ type: 'document', url: 'http://127.0.0.1:9/nothing-listens-here.pdf' }, 400, 'media.url', /could not be fetched/],
      [{ type: 'image', url: `${files.url}/x.png`, data: b64(PNG) }, 400, 'media.data', /exactly one of url and data/],
      [{ type: 'gif', data: b64(PNG) }, 400, 'media.type', /./],
    ];
    for (const [media, status, field, message] of cases) {
      const res = await send({ to: phone, media });
      const what = JSON.stringify(media).slice(0, 80);
      expect(res.status, what).toBe(status);
      const error = ((await res.json()) as { error: { message: string; details?: { field: string }[] } }).error;
      expect(error.message, what).toMatch(message);
      expect(error.details?.[0]?.field, what).toBe(field);
    }
    const caption = await send({ to: phone, text: 'listen', media: { type: 'voice', data: b64(OGG) } });
    expect(caption.status).toBe(400);
    expect(((await caption.json()) as { error: { message: string } }).error.message).toMatch(/^text: audio files and voice notes carry no caption/);
    expect(await h.snapshot()).toEqual(before);
    expect(await readdir(mediaDir, { recursive: true })).toEqual(filesBefore);
    expect(h.fake!.sent(phone)).toHaveLength(0);
  });
});

describe('POST /v1/conversations/{id}/messages: a person of the team replies', () => {
  it('sends the reply as human, pauses the agent there, and takes a file too', async () => {
    const phone = randomPhone();
    const first = (await (await send({ to: phone, text: 'Hello from the shop' })).json()) as { conversationId: string };
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(1));

    const reply = await h.call(`/v1/conversations/${first.conversationId}/messages`, { method: 'POST', json: { text: 'Maria here, I can help.' } });
    expect(reply.status).toBe(202);
    const accepted = (await reply.json()) as { id: string; conversationId: string };
    expect(accepted.conversationId).toBe(first.conversationId);
    const photo = await h.call(`/v1/conversations/${first.conversationId}/messages`, {
      method: 'POST',
      json: { media: { type: 'image', data: b64(PNG), mimeType: 'image/png' } },
    });
    expect(photo.status).toBe(202);
    await until(() => expect(h.fake!.sent(phone)).toHaveLength(3));
    expect(h.fake!.sent(phone)[1]!.text).toBe('Maria here, I can help.');
    expect(h.fake!.sent(phone)[2]!.media?.type).toBe('image');

    const messages = await conversationMessages(first.conversationId);
    expect(messages.find((m) => m.id === accepted.id)).toMatchObject({ author: 'human', text: 'Maria here, I can help.' });
    const list = (await (await h.call('/v1/conversations')).json()) as { data: { id: string; pausedUntil: string | null }[] };
    const paused = list.data.find((c) => c.id === first.conversationId)!;
    expect(new Date(paused.pausedUntil!).getTime()).toBeGreaterThan(Date.now());
  });

  it('answers 404 for an unknown conversation and 400 for an empty reply', async () => {
    const unknown = await h.call(`/v1/conversations/${crypto.randomUUID()}/messages`, { method: 'POST', json: { text: 'hi' } });
    expect(unknown.status).toBe(404);
    const empty = await h.call(`/v1/conversations/${crypto.randomUUID()}/messages`, { method: 'POST', json: {} });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { message: string } }).error.message).toMatch(/^text: is required unless media is given/);
  });
});

describe('a file over MEDIA_MAX_BYTES', () => {
  let small: Harness;
  beforeAll(async () => {
    small = await startHarness({ env: { MEDIA_DIR: mediaDir, MEDIA_MAX_BYTES: '1024' } });
  });
  afterAll(() => small?.close());

  it('is a 413 saying the limit, by base64 or by URL', async () => {
    const big = new Uint8Array(2048).fill(7);
    const byData = await small.call('/v1/messages', { method: 'POST', json: { to: randomPhone(), media: { type: 'document', data: b64(big) } } });
    expect(byData.status).toBe(413);
    expect(((await byData.json()) as { error: { message: string } }).error.message).toBe(
      'media.data: the file is larger than MEDIA_MAX_BYTES (1 KiB).',
    );
    const byUrl = await small.call('/v1/messages', {
      method: 'POST',
      json: { to: randomPhone(), media: { type: 'document', url: `${files.url}/files/menu.pdf` } },
    });
    // The PDF fixture is small: fetched and kept, not refused.
    expect(byUrl.status).toBe(202);
    const bigUrl = await small.call('/v1/messages', {
      method: 'POST',
      json: { to: randomPhone(), media: { type: 'document', url: `${files.url}/files/big.bin` } },
    });
    expect(bigUrl.status).toBe(413);
    expect(((await bigUrl.json()) as { error: { message: string } }).error.message).toBe('media.url: the file is larger than MEDIA_MAX_BYTES (1 KiB).');
  });
});
