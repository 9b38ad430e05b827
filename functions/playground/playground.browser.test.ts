import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

// Debian's Chromium (.ci/run installs it); never a browser download.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let t: PipelineStack;
let browser: Browser;
beforeAll(async () => {
  t = await startPipelineStack({ playground: true, reply: () => 'Hi! We bake every morning at 6.' });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('the playground page', () => {
  it('lets a person chat with the agent as a customer, through the real path', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.stack.urls.functions}/playground`);
    await page.fill('#from', '15551230000');
    await page.fill('#text', 'When do you bake?');
    await page.click('button');
    await page.locator('.msg.in', { hasText: 'When do you bake?' }).waitFor({ timeout: 15_000 });
    await page.locator('.msg.out', { hasText: 'Hi! We bake every morning at 6.' }).waitFor({ timeout: 15_000 });
    // The reply is stored 'queued' before the socket-host sends it; the page shows it 'sent' on a later poll.
    await expect.poll(() => page.locator('.msg.out .meta').first().textContent(), { timeout: 15_000 }).toBe('agent · sent');
    // A bad number is refused with the API's message, shown on the page.
    await page.fill('#from', 'abc');
    await page.fill('#text', 'x');
    await page.click('button');
    await expect.poll(() => page.locator('#error').textContent()).toContain('must be a phone number');
    expect(errors).toEqual([]);
  });
});
