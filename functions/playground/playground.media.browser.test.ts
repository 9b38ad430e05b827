import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { launchChromium } from '../../test-support/chromium.ts';

const HEARD = 'Vocês abrem amanhã?';
/** Small enough that a test can pick a file over it; a photo of the page fits. */
const MAX_BYTES = 200_000;

let t: PipelineStack;
let browser: Browser;
beforeAll(async () => {
  t = await startPipelineStack({
    playground: true,
    // The agent answers what it read: the transcript of a voice note, else the photo's caption.
    reply: (req) => (textOf(req.messages.at(-1)?.content).includes(HEARD) ? 'Abrimos amanhã às 9h.' : 'Que bolo bonito!'),
    transcript: () => HEARD,
    env: { AI_TRANSCRIPTION_MODEL: 'whisper-test', MEDIA_MAX_BYTES: String(MAX_BYTES) },
  });
  // A fake microphone (a beeping tone) that needs no permission prompt.
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** The playground page as customer `phone`, failing the test on any script error. */
async function openAs(phone: string, init?: () => void): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(`${t.stack.urls.functions}/playground`);
  await page.fill('#from', phone);
  return { page, errors };
}

/** A real PNG of 120×80 pixels: a photo of a small drawing, taken by the browser. */
async function photo(): Promise<Buffer> {
  const page = await browser.newPage();
  await page.setContent('<div id="cake" style="width:120px;height:80px;background:linear-gradient(#f7c59f,#d4773b)"></div>');
  const png = await page.locator('#cake').screenshot();
  await page.close();
  return png;
}

describe('the playground page sends files and voice notes and shows them', () => {
  it('a picked photo is sent with the typed text as its caption, shown as an image, and answered', async () => {
    const { page, errors } = await openAs('15550940001');
    await page.fill('#text', 'olha o bolo');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'bolo.png', mimeType: 'image/png', buffer: await photo() });

    const bubble = page.locator('.msg.in', { hasText: 'olha o bolo' });
    const img = bubble.locator('img');
    await img.waitFor({ timeout: 15_000 });
    // The bytes made the whole trip (encrypted, fetched, decrypted, stored) and came back as the same picture.
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 15_000 }).toBe(120);
    await page.locator('.msg.out', { hasText: 'Que bolo bonito!' }).waitFor({ timeout: 15_000 });
    expect(await page.inputValue('#text')).toBe('');
    expect(errors).toEqual([]);
  });

  it('a voice note recorded with the microphone is sent, played back with its transcript, and answered', async () => {
    const phone = '15550940002';
    // Earlier in the conversation (through the route, as a script would): a photo, a document and a place.
    const play = (body: object) =>
      fetch(`${t.stack.urls.functions}/playground/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: phone, ...body }) });
    await play({ text: 'Esse bolo tem pra amanhã?', media: { type: 'image', mimeType: 'image/png', data: (await photo()).toString('base64') } });
    await play({ media: { type: 'document', mimeType: 'application/pdf', fileName: 'encomenda.pdf', data: Buffer.from('%PDF-1.4 pedido').toString('base64') } });
    await play({ location: { latitude: -23.5614, longitude: -46.6559, name: 'MASP, Av. Paulista 1578' } });
    const { page, errors } = await openAs(phone);
    await page.locator('.msg.out', { hasText: 'Que bolo bonito!' }).waitFor({ timeout: 15_000 });
    await page.fill('#text', 'rascunho');
    const heard = t.model.transcriptions.length;
    await page.getByRole('button', { name: 'Record voice note' }).click();
    // Record until the page has counted a second of sound, then stop: the note is sent at once.
    await page.getByRole('status').filter({ hasText: 'Recording… 0:01' }).waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Stop and send' }).click();

    const bubble = page.locator('.msg.in', { has: page.locator('audio') });
    await bubble.locator('.transcript', { hasText: HEARD }).waitFor({ timeout: 15_000 });
    await page.locator('.msg.out', { hasText: 'Abrimos amanhã às 9h.' }).waitFor({ timeout: 15_000 });
    // The player has the recording (its metadata loads from /playground/media/{id}).
    await expect.poll(() => bubble.locator('audio').evaluate((a: HTMLAudioElement) => a.readyState), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(t.model.transcriptions.length - heard).toBe(1);
    expect(t.model.transcriptions.at(-1)).toMatchObject({ mimeType: 'audio/webm', fileName: 'audio.webm' });
    // A voice note has no caption: the typed text is still there to send.
    expect(await page.inputValue('#text')).toBe('rascunho');
    await page.getByRole('button', { name: 'Record voice note' }).waitFor();

    await page.screenshot({ path: '/tmp/playground-media.png', fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/playground-media-mobile.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  it('a file the server could not keep is shown as "media unavailable" with the reason', async () => {
    const { page } = await openAs('15550940003');
    // The next file on the media servers' stand-in is corrupted after upload, as a tampered download would be.
    const files = t.mediaCdn.files;
    files.set = (key, value) => {
      delete (files as Partial<typeof files>).set;
      const tampered = value.slice();
      tampered[tampered.length - 1]! ^= 0xff;
      return files.set(key, tampered);
    };
    await page.getByLabel('Attach a file').setInputFiles({ name: 'menu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 menu') });
    await page.locator('.msg.in', { hasText: /^media unavailable: .*does not match/ }).waitFor({ timeout: 15_000 });
  });

  it('a document is offered as a download under its own name', async () => {
    const { page } = await openAs('15550940004');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'cardápio.txt', mimeType: 'text/plain', buffer: Buffer.from('Pão de queijo: R$ 5') });
    const link = page.getByRole('link', { name: /cardápio\.txt/ });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('download')).toBe('cardápio.txt');
    const file = await page.request.get(new URL((await link.getAttribute('href'))!, page.url()).href);
    expect(await file.text()).toBe('Pão de queijo: R$ 5');
  });

  it('says what went wrong and loses nothing: a file over the limit, the API refusing, the microphone refused', async () => {
    const { page, errors } = await openAs('15550940005');
    await page.fill('#text', 'segue o contrato');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'contrato.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(MAX_BYTES + 1) });
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('contrato.pdf is 195 KB; the playground takes files up to 195 KB (MEDIA_MAX_BYTES).');
    expect(await page.inputValue('#text')).toBe('segue o contrato');

    // What the API says is shown as it says it.
    await page.fill('#from', 'abc');
    await page.getByLabel('Attach a file').setInputFiles({ name: 'a.png', mimeType: 'image/png', buffer: await photo() });
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('from: must be a phone number (digits, optional +)');
    expect(await page.inputValue('#text')).toBe('segue o contrato');
    // The refused file is kept: once the number is right, it goes with one click.
    await page.fill('#from', '15550940005');
    await page.getByRole('button', { name: 'Send again' }).click();
    await page.locator('.msg.in', { hasText: 'segue o contrato' }).locator('img').waitFor({ timeout: 15_000 });
    expect(await page.locator('#error').textContent()).toBe('');
    expect(await page.getByRole('button', { name: 'Send again' }).isHidden()).toBe(true);
    expect(await page.inputValue('#text')).toBe('');
    expect(errors).toEqual([]);

    const refused = await openAs('15550940005', () => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await refused.page.getByRole('button', { name: 'Record voice note' }).click();
    await expect.poll(() => refused.page.getByRole('alert').textContent()).toContain('Microphone permission was refused');
    await refused.page.getByRole('button', { name: 'Record voice note' }).waitFor();
  });
});

describe('the playground’s routes for files', () => {
  it('POST /playground/messages refuses a file over MEDIA_MAX_BYTES with a 413 naming media.data and the limit', async () => {
    const res = await fetch(`${t.stack.urls.functions}/playground/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '15550940006', media: { type: 'document', mimeType: 'application/pdf', data: Buffer.alloc(MAX_BYTES + 1).toString('base64') } }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toBe(`media.data: the file is larger than MEDIA_MAX_BYTES (${MAX_BYTES} bytes).`);
  });

  it('GET /playground/media/{id} serves only playground messages that have a stored file', async () => {
    const get = (id: string) => fetch(`${t.stack.urls.functions}/playground/media/${id}`);
    expect((await get(crypto.randomUUID())).status).toBe(404);
    expect((await get('not-an-id')).status).toBe(404);
    // A message of a linked number is not the playground's, even when its file is stored.
    await t.customerSendsMedia('15550940007', { type: 'image', mimeType: 'image/png', data: await photo() });
    const linked = await eventually(async () => (await t.rows('15550940007')).find((m) => m.direction === 'in'), 'the linked number’s photo');
    await eventually(async () => (await t.api(`/v1/media/${linked.id}`)).ok, 'the photo stored');
    const res = await get(linked.id);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toBe(`No playground message with id ${linked.id}.`);
  });
});
