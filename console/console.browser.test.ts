import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { textOf } from '../test-support/fake-openai.ts';
import { listen } from '../local/listen.ts';
import { eventually, startPipelineStack } from '../test-support/pipeline-stack.ts';
import { consoleBrowser, PHONE } from '../test-support/console-browser.ts';

const ui = consoleBrowser(() =>
  startPipelineStack({ reply: () => 'Yes, we deliver every day until 6 pm.', settings: { instructions: 'You are the bakery’s assistant.' } }),
);
const { open, signIn, accessibilityProblems } = ui;

const conversationOf = async (phone: string) => (await (await ui.t.api('/v1/conversations')).json()).data.find((c: { phone: string }) => c.phone === phone);

describe('the console', () => {
  it('redirects / to /console, and a wrong key gets the API’s words, not a blank page', async () => {
    const { page, problems } = await open('/');
    expect(new URL(page.url()).pathname).toBe('/console');
    await page.getByRole('textbox', { name: 'API key' }).fill('iak_not_a_real_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/key/i);
    expect(await page.getByRole('navigation').count()).toBe(0);
    await page.screenshot({ path: '/tmp/console-sign-in-error.png' });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows each number’s state in words, and the QR code while it waits to be linked', async () => {
    const { page, problems } = await open('/console/numbers');
    await signIn(page);
    await page.getByText(/^Linked to \+\d+$/).waitFor();
    for (const name of ['Pairing code', 'Restart', 'Log out']) expect(await page.getByRole('button', { name }).count()).toBe(1);

    ui.t.fake.latest()!.showQr();
    await page.getByText('Waiting for QR scan').waitFor({ timeout: 10_000 });
    const qr = page.getByRole('img', { name: 'QR code' });
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.screenshot({ path: '/tmp/console-numbers-qr.png' });

    ui.t.fake.latest()!.open();
    await page.getByText(/^Linked to \+\d+$/).waitFor({ timeout: 10_000 });
    expect(problems).toEqual([]);
  });

  it('shows a new customer message in the Inbox within 5 s without a reload; pause, human reply and resume take effect', async () => {
    const { page, problems } = await open('/console/inbox');
    await signIn(page);
    await page.getByText('No conversations yet', { exact: false }).waitFor();

    await ui.t.customerWrites('5511987654321', 'Hello, do you deliver on Sundays?');
    // The API has it first; then the page has it within 5 s, with no reload.
    await eventually(() => conversationOf('5511987654321'), 'the conversation in the API');
    const item = page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /\+5511987654321/ });
    await item.waitFor({ timeout: 5_000 });

    await item.click();
    await page.getByText('Hello, do you deliver on Sundays?').waitFor();
    await page.getByText('Yes, we deliver every day until 6 pm.').waitFor({ timeout: 10_000 });
    // A photo arrives while the conversation is open: shown inline, fetched with the key.
    await ui.t.customerSendsMedia('5511987654321', { type: 'image', data: await QRCode.toBuffer('a photo of a cake', { width: 160 }), mimeType: 'image/png', caption: 'This cake, please' });
    const photo = page.getByRole('img', { name: 'This cake, please' });
    await photo.waitFor({ timeout: 5_000 });
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);

    await page.getByRole('button', { name: 'Pause agent' }).click();
    await eventually(async () => (await conversationOf('5511987654321')).paused === true, 'paused through the API');
    await page.getByRole('button', { name: 'Resume agent' }).waitFor();

    await page.getByRole('button', { name: 'Resume agent' }).click();
    await eventually(async () => (await conversationOf('5511987654321')).paused === false, 'resumed through the API');
    await page.getByRole('button', { name: 'Pause agent' }).waitFor();
    await page.screenshot({ path: '/tmp/console-inbox-desktop.png' });
    expect(problems).toEqual([]);
  });

  it('sends a human reply from the Message box, which pauses the agent', async () => {
    const { page, problems } = await open('/console/inbox');
    await signIn(page);
    const conversation = await conversationOf('5511987654321');
    expect(conversation.paused).toBe(false);
    await page.getByRole('link', { name: /\+5511987654321/ }).click();
    await page.getByRole('textbox', { name: 'Message' }).fill('Hi, this is Ana from the bakery.');
    await page.getByRole('button', { name: 'Send' }).click();
    await eventually(async () => {
      const messages = (await (await ui.t.api(`/v1/conversations/${conversation.id}/messages`)).json()).data;
      return messages.some((m: { author: string; text: string }) => m.author === 'human' && m.text === 'Hi, this is Ana from the bakery.');
    }, 'the human reply in the API');
    await page.locator('.msg.author-human', { hasText: 'Hi, this is Ana from the bakery.' }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    await eventually(async () => (await conversationOf('5511987654321')).paused === true, 'a human reply pauses the agent');
    await page.getByRole('button', { name: 'Resume agent' }).waitFor({ timeout: 5_000 });
    expect(problems).toEqual([]);
  });

  it('shows the agent’s current instructions and saves an edit', async () => {
    const { page, problems } = await open('/console/agent');
    await signIn(page);
    const instructions = page.getByRole('textbox', { name: 'Instructions' });
    await expect.poll(() => instructions.inputValue()).toBe('You are the bakery’s assistant.');
    expect(await page.getByRole('textbox', { name: 'Fallback text' }).inputValue()).not.toBe('');

    await instructions.fill('You are the bakery’s assistant. Answer in one sentence.');
    await page.getByRole('spinbutton', { name: 'Human pause (minutes)' }).fill('45');
    const markRead = page.getByRole('checkbox', { name: /Mark the customer’s messages read/ });
    expect(await markRead.isChecked()).toBe(false);
    await markRead.check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const agent = await (await ui.t.api('/v1/agent')).json();
    expect(agent).toMatchObject({ instructions: 'You are the bakery’s assistant. Answer in one sentence.', humanPauseMinutes: 45, markReadOnReply: true });
    // What the page saved is what the model is told on the next customer message.
    const before = ui.t.model.requests.length;
    await ui.t.customerWrites('5511955550000', 'Do you have croissants?');
    await eventually(() => ui.t.model.requests.length > before, 'the next model call');
    const system = ui.t.model.requests.at(-1)!.messages.find((m) => m.role === 'system');
    expect(textOf(system?.content)).toContain('You are the bakery’s assistant. Answer in one sentence.');
    await page.screenshot({ path: '/tmp/console-agent-desktop.png' });

    // An invalid value is refused by the API, in its words.
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('combobox', { name: 'Match' }).selectOption('regex');
    await page.getByRole('textbox', { name: 'Pattern' }).fill('(unclosed');
    await page.getByRole('textbox', { name: 'Reply' }).fill('x');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('regular expression');
    expect(problems).toEqual([]);
  });

  it('speaks Brazilian Portuguese with ?lang=pt-BR', async () => {
    const { page, problems } = await open('/console/inbox?lang=pt-BR');
    await page.getByRole('textbox', { name: 'Chave da API' }).fill(ui.t.adminKey);
    await page.getByRole('button', { name: 'Entrar' }).click();
    const nav = page.getByRole('navigation');
    for (const name of ['Conversas', 'Números', 'Agente', 'Conhecimento', 'Integrações', 'Uso']) await nav.getByRole('link', { name }).waitFor();
    await nav.getByRole('link', { name: 'Agente' }).click();
    await page.getByRole('textbox', { name: 'Instruções' }).waitFor();
    expect(new URL(page.url()).search).toBe('?lang=pt-BR');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('pt-BR');
    await page.screenshot({ path: '/tmp/console-agent-pt-BR.png' });
    expect(problems).toEqual([]);
  });

  it('shows the replies’ latency, errors and cost, today’s counts, each free tier’s share and the last 30 days', async () => {
    ui.t.customerWrites('15550129001', 'Do you deliver on Sundays?');
    await eventually(() => ui.t.sentTo('15550129001').length >= 1, 'the reply');
    const { functions } = ui.t.stack;
    await functions.services.usage.flushNow(functions.services.db);
    const { page, problems } = await open('/console/usage');
    await signIn(page);
    const usage = await (await ui.t.api('/v1/usage?days=30')).json();
    await page.getByRole('heading', { name: 'Free tier used' }).waitFor();
    expect(await page.getByRole('progressbar').count()).toBe(usage.limits.length);
    await page.getByRole('heading', { name: 'Replies' }).waitFor();
    const written = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'Replies written', exact: true }) });
    expect(await written.getByRole('cell').first().textContent()).toBe(String(usage.replies.period.replies));
    expect(usage.replies.period.replies).toBeGreaterThanOrEqual(1);
    await page.getByText('Cost this month', { exact: true }).waitFor();
    expect(await page.getByText(usage.cost.month.total === 0 ? '$0.00' : /\$/).count()).toBeGreaterThan(0);
    await page.getByText('Messages received', { exact: true }).first().waitFor();
    await page.getByRole('img', { name: /Customer messages received per day, last 30 days/ }).waitFor();
    await page.screenshot({ path: '/tmp/console-usage-desktop.png', fullPage: true });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('creates a key with chosen scopes (shown once); that key sees no key management; revoking it signs it out', async () => {
    const admin = await open('/console/integrations');
    await signIn(admin.page);
    await admin.page.getByRole('textbox', { name: 'Key name' }).fill('front desk');
    await admin.page.getByRole('checkbox', { name: 'conversations:write' }).check();
    await admin.page.getByRole('button', { name: 'Create key' }).click();
    const secret = await admin.page.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(secret).toMatch(/^iak_/);
    const created = (await (await ui.t.api('/v1/keys')).json()).data.find((k: { name: string }) => k.name === 'front desk');
    expect(created.scopes.sort()).toEqual(['conversations:read', 'conversations:write']);
    await admin.page.screenshot({ path: '/tmp/console-integrations-desktop.png', fullPage: true });
    expect(await accessibilityProblems(admin.page)).toEqual([]);

    const desk = await open('/console/integrations');
    await signIn(desk.page, secret);
    await desk.page.getByText('Managing keys and reading usage needs a key with the keys:admin scope.').waitFor();
    expect(await desk.page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    await desk.page.getByRole('link', { name: 'Inbox' }).click();
    await desk.page.getByRole('list', { name: 'Conversations' }).waitFor();
    expect(await desk.page.getByRole('alert').count()).toBe(0);

    admin.page.once('dialog', (d) => void d.accept());
    await admin.page.getByRole('button', { name: 'Revoke front desk' }).click();
    await eventually(async () => (await (await ui.t.api('/v1/keys')).json()).data.find((k: { id: string }) => k.id === created.id).revokedAt !== null, 'the key revoked');
    // The next poll answers 401: the revoked key's tab goes back to sign-in.
    await desk.page.getByRole('textbox', { name: 'API key' }).waitFor({ timeout: 10_000 });
    expect([...admin.problems, ...desk.problems]).toEqual([]);
  });

  it('adds a webhook (secret shown once), lists its deliveries with their attempts, and redelivers one', async () => {
    const hits: string[] = [];
    const receiver = await listen(new Hono().post('/hook', (c) => (hits.push(c.req.header('webhook-id') ?? ''), c.body(null, 204))).fetch);
    try {
      const { page, problems } = await open('/console/integrations');
      await signIn(page);
      await page.getByRole('textbox', { name: 'Webhook URL' }).fill(`${receiver.url}/hook`);
      await page.getByRole('button', { name: 'Add webhook' }).click();
      expect(await page.getByRole('textbox', { name: 'Signing secret (whsec_…)' }).inputValue()).toMatch(/^whsec_/);

      await ui.t.customerWrites('5511944440000', 'Is the shop open today?');
      await eventually(() => hits.length === 1, 'the webhook delivered');
      await page.getByRole('button', { name: 'Deliveries' }).click();
      const delivery = page.getByRole('list', { name: 'Deliveries' }).getByRole('listitem').first();
      await expect.poll(() => delivery.textContent()).toMatch(/message\.received · delivered/);
      expect(await delivery.textContent()).toContain('#1');
      await delivery.getByRole('button', { name: /^Redeliver/ }).click();
      await eventually(() => hits.length === 2, 'the redelivery');
      // Same webhook-id: a receiver that deduplicates sees the same delivery again.
      expect(hits[1]).toBe(hits[0]);
      await page.screenshot({ path: '/tmp/console-webhooks-desktop.png', fullPage: true });
      expect(await accessibilityProblems(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('adds a document to the knowledge base, finds it as the agent would, and removes it', async () => {
    const { page, problems } = await open('/console/knowledge');
    await signIn(page);
    await page.getByRole('textbox', { name: 'Title' }).fill('Opening hours');
    await page.getByRole('textbox', { name: 'Text (plain or Markdown)' }).fill('We open at 7 am from Monday to Saturday. On Sundays the bakery is closed.');
    await page.getByRole('button', { name: 'Add document' }).click();
    await page.getByRole('status').filter({ hasText: 'Added “Opening hours”' }).waitFor();
    const docs = (await (await ui.t.api('/v1/knowledge')).json()).data;
    expect(docs.map((d: { title: string }) => d.title)).toEqual(['Opening hours']);

    await page.getByRole('searchbox', { name: 'Customer question' }).fill('is the bakery open on sundays?');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('list', { name: 'Passages' }).getByText('On Sundays the bakery is closed.', { exact: false }).waitFor();
    await page.screenshot({ path: '/tmp/console-knowledge-desktop.png', fullPage: true });
    expect(await accessibilityProblems(page)).toEqual([]);

    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove Opening hours' }).click();
    await page.getByText('No documents yet.').waitFor();
    expect((await (await ui.t.api('/v1/knowledge')).json()).data).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('has no critical or serious accessibility problem on the Inbox, Numbers, Agent and Knowledge pages', async () => {
    const { page, problems } = await open('/console/inbox');
    await signIn(page);
    await page.getByRole('link', { name: /\+5511987654321/ }).click();
    await page.getByRole('textbox', { name: 'Message' }).waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    for (const [link, ready] of [['Numbers', 'Restart'], ['Agent', 'Save'], ['Knowledge', 'Add document']] as const) {
      await page.getByRole('navigation').getByRole('link', { name: link }).click();
      await page.getByRole('button', { name: ready }).first().waitFor();
      expect(await accessibilityProblems(page), link).toEqual([]);
    }
    expect(problems).toEqual([]);
  });

  it('works at 390 px wide: the list, then the conversation with a way back', async () => {
    const { page, problems } = await open('/console/inbox', PHONE);
    await signIn(page);
    await page.getByRole('link', { name: /\+5511987654321/ }).waitFor();
    await page.screenshot({ path: '/tmp/console-inbox-phone.png' });
    await page.getByRole('link', { name: /\+5511987654321/ }).click();
    await page.getByText('Hello, do you deliver on Sundays?').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: '/tmp/console-conversation-phone.png' });
    await page.getByRole('link', { name: 'Back to conversations' }).click();
    await page.getByRole('list', { name: 'Conversations' }).waitFor();
    // A client route survives a reload (the server answers it with index.html).
    await page.goto(`${ui.base}/console/agent`);
    await page.getByRole('textbox', { name: 'Instructions' }).waitFor();
    await page.screenshot({ path: '/tmp/console-agent-phone.png' });
    expect(problems).toEqual([]);
  });
});
