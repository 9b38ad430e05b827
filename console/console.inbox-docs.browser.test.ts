import { eq } from 'drizzle-orm';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { conversations } from '../drizzle/schema.ts';
import { eventually, startPipelineStack } from '../test-support/pipeline-stack.ts';
import { consoleBrowser } from '../test-support/console-browser.ts';
import { CONSOLE_CSP } from './security-headers.ts';

// The Inbox's server-side search and filters, files from the Message box, status words, and the
// interactive API reference at /console/docs.
/** Small, so a file over it is easy to make: the API's 413 is what the page must show. */
const MEDIA_MAX_BYTES = 100_000;

const ui = consoleBrowser(() => startPipelineStack({ reply: () => 'Entregamos sim, todos os dias.', env: { MEDIA_MAX_BYTES: String(MEDIA_MAX_BYTES) } }));
const { open, signIn, accessibilityProblems } = ui;

const conversationOf = async (phone: string) => (await (await ui.t.api('/v1/conversations?limit=100')).json()).data.find((c: { phone: string }) => c.phone === phone);
const messagesOf = async (id: string) => (await (await ui.t.api(`/v1/conversations/${id}/messages`)).json()).data as { author: string; type: string; text: string; status: string; media: { mimeType: string; size: number } | null }[];

const JOAO = '5511911110001';
const CENTRO = '5511911110002';
const QUIET = '5511911110003';

describe('the Inbox searches and filters through the API', () => {
  it('finds a name without its accents, a message’s words, and the conversations that need a human', async () => {
    await ui.t.customerWrites(JOAO, 'Oi, bom dia');
    await ui.t.customerWrites(CENTRO, 'Vocês entregam no Centro?');
    await ui.t.customerWrites(QUIET, 'Obrigado!');
    for (const phone of [JOAO, CENTRO, QUIET]) await eventually(() => conversationOf(phone), `the conversation of ${phone}`);
    await ui.t.db.update(conversations).set({ name: 'João Müller' }).where(eq(conversations.phone, JOAO));

    const { page, problems } = await open('/console/inbox');
    await signIn(page);
    const list = page.getByRole('list', { name: 'Conversations' });
    const items = list.getByRole('link');
    await expect.poll(() => items.count()).toBe(3);

    const search = page.getByRole('searchbox', { name: 'Search' });
    await search.fill('joao');
    await expect.poll(() => items.allInnerTexts()).toEqual([expect.stringContaining('João Müller')]);
    // Words of a message, typed without the accent or capitals the customer used.
    await search.fill('voces entregam');
    await expect.poll(() => items.allInnerTexts()).toEqual([expect.stringContaining(`+${CENTRO}`)]);
    await search.fill('nothing like this');
    await page.getByText('No conversation matches.').waitFor();
    await search.fill('');
    await expect.poll(() => items.count()).toBe(3);

    // The agent hands CENTRO to a person (what handoff_to_human records): a badge, and the filter.
    await ui.t.db.update(conversations).set({ needsHumanSince: new Date() }).where(eq(conversations.phone, CENTRO));
    const centro = list.getByRole('link', { name: new RegExp(`\\+${CENTRO}`) });
    await centro.getByText('Needs a human').waitFor({ timeout: 5_000 });
    await page.getByRole('combobox', { name: 'Show' }).selectOption({ label: 'Needs a human' });
    await expect.poll(() => items.allInnerTexts()).toEqual([expect.stringContaining(`+${CENTRO}`)]);
    await centro.click();
    await page.getByRole('article').getByText('The agent handed this customer to a person').waitFor();
    await page.screenshot({ path: '/tmp/console2-inbox-needs-human.png' });
    expect(await accessibilityProblems(page)).toEqual([]);

    // Resumed, it leaves the filtered list but stays open, read on its own.
    await page.getByRole('button', { name: 'Pause agent' }).click();
    await page.getByRole('button', { name: 'Resume agent' }).click();
    await eventually(async () => (await conversationOf(CENTRO)).needsHuman === false, 'resumed through the API');
    await page.getByText('No conversation matches.').waitFor({ timeout: 5_000 });
    await page.getByRole('button', { name: 'Pause agent' }).waitFor();
    await page.getByRole('article').getByText(new RegExp(`\\+${CENTRO}`)).first().waitFor();
    expect(await page.getByRole('heading', { level: 2 }).textContent()).not.toBe((await conversationOf(CENTRO)).id);

    await page.getByRole('combobox', { name: 'Show' }).selectOption({ label: 'Paused (a human is on it)' });
    await page.getByText('No conversation matches.').waitFor();
    await page.getByRole('combobox', { name: 'Show' }).selectOption({ label: 'Agent answering' });
    await expect.poll(() => items.count()).toBe(3);
    expect(problems).toEqual([]);
  });
});

describe('files from the Message box', () => {
  it('sends a photo with the text as its caption, shows it, and says in words why a file is refused', async () => {
    const { id } = await conversationOf(JOAO);
    const { page, problems } = await open(`/console/inbox/${id}`);
    await signIn(page);
    await page.getByRole('heading', { name: 'João Müller' }).waitFor();

    const photo = await QRCode.toBuffer('a photo of the cake', { width: 120 });
    await page.locator('.reply input[type=file]').setInputFiles({ name: 'bolo.png', mimeType: 'image/png', buffer: photo });
    await page.getByText(/^Attached: bolo\.png/).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('O bolo de hoje');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => (await messagesOf(id)).some((m) => m.author === 'human' && m.type === 'image' && m.text === 'O bolo de hoje' && m.media?.size === photo.length), 'the photo in the API');
    const shown = page.getByRole('img', { name: 'O bolo de hoje' });
    await shown.waitFor({ timeout: 5_000 });
    await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
    expect(await page.getByText(/^Attached:/).count()).toBe(0);

    // Any other file goes as a document under its name, with no caption needed.
    await page.locator('.reply input[type=file]').setInputFiles({ name: 'cardapio.txt', mimeType: 'text/plain', buffer: Buffer.from('Bolo de cenoura: R$ 30') });
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => (await messagesOf(id)).some((m) => m.author === 'human' && m.type === 'document' && m.text === ''), 'the document in the API');
    await page.locator('.document', { hasText: 'cardapio.txt' }).waitFor({ timeout: 5_000 });

    // Over MEDIA_MAX_BYTES: the API's 413, in its words; the file stays attached to try another.
    await page.locator('.reply input[type=file]').setInputFiles({ name: 'big.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(MEDIA_MAX_BYTES + 1, 1) });
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('larger than MEDIA_MAX_BYTES');
    await page.getByText(/^Attached: big\.pdf/).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove file' }).click();
    expect(await page.getByText(/^Attached:/).count()).toBe(0);
    expect((await messagesOf(id)).filter((m) => m.author === 'human')).toHaveLength(2);

    // Status words: an outgoing message says sent, delivered or read in words.
    await page.locator('.msg.author-human .meta', { hasText: /· (sent|delivered|read) ·/ }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: '/tmp/console2-inbox-files.png' });
    expect(problems).toEqual([]);
  });

  it('in Portuguese: statuses, the badge and the file controls are in pt-BR', async () => {
    await ui.t.db.update(conversations).set({ needsHumanSince: new Date() }).where(eq(conversations.phone, JOAO));
    const { id } = await conversationOf(JOAO);
    const { page, problems } = await open(`/console/inbox/${id}?lang=pt-BR`);
    await signIn(page, ui.t.adminKey, 'Chave da API', 'Entrar');
    await page.getByRole('button', { name: 'Anexar arquivo' }).waitFor();
    await page.getByRole('list', { name: 'Conversas' }).getByText('Precisa de uma pessoa').waitFor();
    await page.locator('.msg.author-human .meta', { hasText: /^pessoa · (enviada|entregue|lida) ·/ }).first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.msg .meta', { hasText: /· (sent|delivered|read|queued) ·/ }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/console2-inbox-pt-BR.png' });
    expect(problems).toEqual([]);
  });
});

describe('the API reference', () => {
  it('/v1/docs opens it without a key; it lists every operation and tries GET /v1/conversations with a key', async () => {
    const spec = (await (await fetch(`${ui.base}/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string; tags: string[] }>> };
    const { page, problems } = await open('/v1/docs');
    expect(new URL(page.url()).pathname).toBe('/console/docs');
    const response = await page.request.get(`${ui.base}/console/docs`);
    expect(response.headers()['content-security-policy']).toBe(CONSOLE_CSP);

    await page.locator('.opblock').first().waitFor({ timeout: 15_000 });
    for (const methods of Object.values(spec.paths)) {
      for (const op of Object.values(methods)) expect(await page.locator(`#operations-${op.tags[0]}-${op.operationId}`).count(), op.operationId).toBe(1);
    }

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.auth-container', { hasText: 'bearerAuth' });
    await dialog.locator('input').fill(ui.t.adminKey);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await page.locator('.modal-ux .btn-done').first().click();

    const list = page.locator('#operations-Conversations-listConversations');
    await list.locator('.opblock-summary').first().click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    const status = list.locator('.live-responses-table tbody .response-col_status').first();
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(/^200/);
    await expect.poll(() => list.locator('.live-responses-table .microlight').first().textContent()).toContain(`"phone": "${JOAO}"`);
    await page.screenshot({ path: '/tmp/console2-docs-try-it.png' });
    expect(problems).toEqual([]);
  });

  it('a signed-in console tab brings its key along', async () => {
    const { page, problems } = await open('/console/integrations');
    await signIn(page);
    await page.getByRole('link', { name: 'API reference' }).click();
    await page.locator('#operations-Conversations-listConversations').waitFor({ timeout: 15_000 });
    const list = page.locator('#operations-Conversations-listConversations');
    await list.locator('.opblock-summary').first().click();
    await list.getByRole('button', { name: 'Try it out' }).click();
    await list.getByRole('button', { name: 'Execute' }).click();
    await expect.poll(() => list.locator('.live-responses-table tbody .response-col_status').first().textContent(), { timeout: 10_000 }).toMatch(/^200/);
    expect(problems).toEqual([]);
  });
});
