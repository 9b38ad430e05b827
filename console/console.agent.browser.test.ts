import { describe, expect, it } from 'vitest';
import { textOf } from '../test-support/fake-openai.ts';
import { eventually, startPipelineStack } from '../test-support/pipeline-stack.ts';
import { consoleBrowser, PHONE } from '../test-support/console-browser.ts';

// Two numbers of the team's own, and the playground (local mode) behind Try it. The scripted model
// answers with the first line of the instructions it was given, so a reply says which profile wrote it.
const ui = consoleBrowser(() =>
  startPipelineStack({
    playground: true,
    env: { WA_SESSIONS: 'shop1,shop2' },
    settings: { instructions: 'You are the bakery’s assistant.' },
    reply: (req) => `Answering as: ${textOf(req.messages.find((m) => m.role === 'system')?.content).split('\n')[0]}`,
  }),
);
const { openSignedIn, accessibilityProblems } = ui;

const agentOf = async (sessionId?: string) => (await ui.t.api(`/v1/agent${sessionId ? `?sessionId=${sessionId}` : ''}`)).json();

describe('the console’s Agent page', () => {
  it('keeps each number’s own instructions apart, shows the tools secret of a new profile once, and falls back to the default when one is removed', async () => {
    const { page, problems } = await openSignedIn('/console/agent');
    const picker = page.getByRole('combobox', { name: 'Profile of' });
    const instructions = page.getByRole('textbox', { name: 'Instructions' });
    await expect.poll(() => instructions.inputValue()).toBe('You are the bakery’s assistant.');

    for (const [number, words] of [['shop2', 'You are Shop Two, the florist.'], ['shop1', 'You are Shop One, the bakery downtown.']] as const) {
      await picker.selectOption(number);
      await page.getByText(`${number} answers with the default profile`, { exact: false }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/console/agent/${number}`);
      await instructions.fill(words);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      await page.getByText(`${number} has a profile of its own.`).waitFor();
      // The number's first save made its profile, and with it the secret that signs its tools' calls.
      expect(await page.getByRole('textbox', { name: 'Tools secret' }).inputValue()).toMatch(/^whsec_/);
    }
    await page.screenshot({ path: '/tmp/console3-agent-profile.png', fullPage: true });

    expect(await agentOf('shop1')).toMatchObject({ sessionId: 'shop1', instructions: 'You are Shop One, the bakery downtown.' });
    expect(await agentOf('shop2')).toMatchObject({ sessionId: 'shop2', instructions: 'You are Shop Two, the florist.' });
    expect(await agentOf()).toMatchObject({ sessionId: null, instructions: 'You are the bakery’s assistant.' });
    // The secret shown is the profile's own (PUT answers it again; GET never does).
    const shown = await page.getByRole('textbox', { name: 'Tools secret' }).inputValue();
    const again = await (await ui.t.api('/v1/agent?sessionId=shop1', { method: 'PUT', body: '{}' })).json();
    expect(again.toolsSecret).toBe(shown);
    // Once: the next save of the same profile does not show it again (an edit hides "Saved." until it is done).
    await instructions.fill('You are Shop One, the bakery downtown. Be brief.');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Tools secret' }).count()).toBe(0);

    // Back to a number: its own words are shown, not the last ones typed.
    await picker.selectOption('shop2');
    await expect.poll(() => instructions.inputValue()).toBe('You are Shop Two, the florist.');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Remove this number’s profile' }).click();
    await page.getByRole('status').filter({ hasText: 'shop2 answers with the default profile again' }).waitFor();
    await expect.poll(() => instructions.inputValue()).toBe('You are the bakery’s assistant.');
    expect(await agentOf('shop2')).toMatchObject({ sessionId: null, instructions: 'You are the bakery’s assistant.' });
    expect(await agentOf('shop1')).toMatchObject({ sessionId: 'shop1', instructions: 'You are Shop One, the bakery downtown. Be brief.' });
    expect(problems).toEqual([]);
  });

  it('adds an HTTP tool that GET /v1/agent returns; parameters that are not a JSON Schema object are refused in words', async () => {
    const { page, problems } = await openSignedIn('/console/agent');
    await expect.poll(() => page.getByRole('textbox', { name: 'Instructions' }).inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Add tool' }).click();
    const tool = page.getByRole('group', { name: 'Tool 1' });
    await tool.getByRole('textbox', { name: 'Tool name' }).fill('order_status');
    await tool.getByRole('textbox', { name: 'URL' }).fill('http://127.0.0.1:9/tools/order-status');
    await tool.getByRole('textbox', { name: 'When to call it' }).fill('The status of a customer’s order, by its number.');
    const parameters = tool.getByRole('textbox', { name: 'Parameters (JSON Schema)' });

    await parameters.fill('{"type": "object", "properties": {"orderId": {"type": "string"}');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Tool 1: the parameters are not valid JSON');
    expect(await parameters.getAttribute('aria-invalid')).toBe('true');
    await parameters.fill('{"type": "array"}');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('must be a JSON Schema object with "type": "object"');
    expect((await agentOf()).tools).toEqual([]);

    // A name the page accepts but the API refuses (the built-in tool's): the API's words are shown.
    await tool.getByRole('textbox', { name: 'Tool name' }).fill('handoff_to_human');
    const schema = { type: 'object', properties: { orderId: { type: 'string', description: 'The order number' } }, required: ['orderId'] };
    await parameters.fill(JSON.stringify(schema, null, 2));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('built-in tool');

    await tool.getByRole('textbox', { name: 'Tool name' }).fill('order_status');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect((await agentOf()).tools).toEqual([
      { name: 'order_status', description: 'The status of a customer’s order, by its number.', url: 'http://127.0.0.1:9/tools/order-status', parameters: schema },
    ]);
    // The profile's first tool: the secret that signs its calls is shown, once, with Copy.
    expect(await page.getByRole('textbox', { name: 'Tools secret' }).inputValue()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Copy' }).waitFor();
    await page.screenshot({ path: '/tmp/console3-agent-tools.png', fullPage: true });
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('Try it chats with the agent through the playground and shows its reply beside the settings', async () => {
    const { page, problems } = await openSignedIn('/console/agent');
    const panel = page.getByRole('complementary', { name: 'Try it' });
    await panel.waitFor();
    await panel.getByRole('textbox', { name: 'Customer message' }).fill('Do you bake on Sundays?');
    await panel.getByRole('button', { name: 'Send' }).click();
    const chat = panel.getByRole('list', { name: 'Try it conversation' });
    await chat.getByText('Do you bake on Sundays?').waitFor({ timeout: 10_000 });
    // The playground number has no profile of its own: the default one answers.
    await chat.getByText('Answering as: You are the bakery’s assistant.').waitFor({ timeout: 15_000 });
    // Once the reply is in, the panel stops asking.
    await page.getByText('Waiting for the agent’s answer…').waitFor({ state: 'detached' });
    await page.screenshot({ path: '/tmp/console3-agent-try-it.png', fullPage: true });
    expect(await accessibilityProblems(page)).toEqual([]);

    // At 390 px the panel comes under the settings. A new tab is a new customer: a conversation of its own.
    const phone = await openSignedIn('/console/agent', PHONE);
    const phonePanel = phone.page.getByRole('complementary', { name: 'Try it' });
    await phonePanel.getByText('Write as a customer to see what the agent answers.').waitFor();
    await phonePanel.scrollIntoViewIfNeeded();
    await phone.page.screenshot({ path: '/tmp/console3-agent-try-it-phone.png' });
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect([...problems, ...phone.problems]).toEqual([]);
  });

  it('offers no Try it where /api/health lists no playground (a deployment in the cloud)', async () => {
    const { page } = await ui.newTab();
    await page.route('**/api/health', (route) => route.fulfill({ json: { status: 'ok', failing: [], checks: {}, whatsapp: [{ id: 'shop1', status: 'open', linked: true }] } }));
    await page.goto(`${ui.base}/console/agent`);
    await page.getByRole('textbox', { name: 'API key' }).fill(ui.t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Instructions' }).inputValue()).not.toBe('');
    expect(await page.getByRole('complementary', { name: 'Try it' }).count()).toBe(0);
  });

  it('a key without keys:admin is told why no number is offered, and edits the default profile', async () => {
    const created = await (await ui.t.api('/v1/keys', { method: 'POST', body: JSON.stringify({ name: 'agent editor', scopes: ['agent:write'] }) })).json();
    const { page } = await ui.newTab();
    await page.goto(`${ui.base}/console/agent`);
    await page.getByRole('textbox', { name: 'API key' }).fill(created.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Listing the numbers needs a key with keys:admin').waitFor();
    const options = await page.getByRole('combobox', { name: 'Profile of' }).locator('option').allTextContents();
    expect(options).toEqual(['Default profile (every number without its own)']);
    await expect.poll(() => page.getByRole('textbox', { name: 'Instructions' }).inputValue()).toBe('You are the bakery’s assistant.');
  });

  it('shows on the Usage page what the console’s own requests cost, as /v1/usage counts them', async () => {
    // The tabs above made console requests; other clients (this test's own API calls) are not among them.
    const counted = await eventually(async () => {
      // Counts are written every 5 s: ask once a second, well within the key's rate limit.
      await new Promise((r) => setTimeout(r, 1_000));
      const usage = await (await ui.t.api('/v1/usage?days=1')).json();
      return usage.today.metrics['console.requests'] > 0 ? usage.today.metrics : undefined;
    }, 'console requests in /v1/usage');
    expect(counted['console.requests']).toBeLessThan(counted['functions.requests']);
    const { page, problems } = await openSignedIn('/console/usage');
    const term = page.getByText('Console requests (among function requests)', { exact: true });
    await term.waitFor();
    const shown = Number((await term.locator('xpath=following-sibling::dd').textContent())!.replace(/\D/g, ''));
    expect(shown).toBeGreaterThanOrEqual(counted['console.requests']);
    await page.getByText(/of them from open consoles/).waitFor();
    await page.screenshot({ path: '/tmp/console3-usage.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
