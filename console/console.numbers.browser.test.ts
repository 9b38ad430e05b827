import { describe, expect, it } from 'vitest';
import { startPipelineStack } from '../test-support/pipeline-stack.ts';
import { consoleBrowser, PHONE } from '../test-support/console-browser.ts';

// One number from WA_SESSIONS (`default`); the test adds and removes another through the Numbers page.
const ui = consoleBrowser(() => startPipelineStack());
const { openSignedIn, accessibilityProblems } = ui;

const listedIds = async () => (await (await ui.t.api('/v1/sessions')).json()).data.map((s: { id: string }) => s.id);

describe('the console’s Numbers page', () => {
  it('adds a number (id and name) that links without a restart, refuses a taken id in the API’s words, and removes it after a confirmation', async () => {
    const { page, problems } = await openSignedIn('/console/numbers');
    await page.getByRole('heading', { name: 'default' }).waitFor();
    // A WA_SESSIONS number is removed by a deploy, not here.
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);

    const form = page.getByRole('region', { name: 'Add a number' });
    await form.getByRole('textbox', { name: 'Id' }).fill('default');
    await form.getByRole('button', { name: 'Add number' }).click();
    await form.getByRole('alert').filter({ hasText: 'already exists' }).waitFor();

    await form.getByRole('textbox', { name: 'Id' }).fill('sales');
    await form.getByRole('textbox', { name: 'Name (optional)' }).fill('Sales desk');
    await form.getByRole('button', { name: 'Add number' }).click();
    await form.getByRole('status').filter({ hasText: 'sales added' }).waitFor();
    const card = page.getByRole('article', { name: /Sales desk/ });
    // The fake phone accepts the link at once: the new number is linked without any restart.
    await card.getByText(/^Linked to \+\d+$/).waitFor({ timeout: 10_000 });
    expect(await form.getByRole('textbox', { name: 'Id' }).inputValue()).toBe('');
    expect(await listedIds()).toEqual(['default', 'sales']);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/console-numbers-added.png', fullPage: true });

    // Dismissing the confirmation keeps it.
    page.once('dialog', (d) => void d.dismiss());
    await card.getByRole('button', { name: 'Remove sales' }).click();
    expect(await listedIds()).toEqual(['default', 'sales']);

    page.once('dialog', (d) => {
      expect(d.message()).toContain('Remove sales?');
      void d.accept();
    });
    await card.getByRole('button', { name: 'Remove sales' }).click();
    await card.waitFor({ state: 'detached' });
    expect(await listedIds()).toEqual(['default']);
    expect(problems).toEqual([]);
  });

  it('fits a phone screen', async () => {
    const { page, problems } = await openSignedIn('/console/numbers', PHONE);
    await page.getByRole('button', { name: 'Add number' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: '/tmp/console-numbers-phone.png', fullPage: true });
    expect(problems).toEqual([]);
  });
});
