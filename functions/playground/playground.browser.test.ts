import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { launchChromium } from '../../test-support/chromium.ts';


let t: PipelineStack;
let browser: Browser;
beforeAll(async () => {
  t = await startPipelineStack({ playground: true, reply: () => 'Hi! We bake every morning at 6.' });
  browser = await launchChromium();
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
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.locator('.msg.in', { hasText: 'When do you bake?' }).waitFor({ timeout: 15_000 });
    await page.locator('.msg.out', { hasText: 'Hi! We bake every morning at 6.' }).waitFor({ timeout: 15_000 });
    // The reply is stored 'queued' before the socket-host sends it; the page shows it 'sent' on a later poll.
    await expect.poll(() => page.locator('.msg.out .meta').first().textContent(), { timeout: 15_000 }).toBe('agent · sent');
    // A bad number is refused with the API's message, shown on the page.
    await page.fill('#from', 'abc');
    await page.fill('#text', 'x');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => page.locator('#error').textContent()).toContain('must be a phone number');
    expect(errors).toEqual([]);
  });

  it('says why it stopped refreshing the conversation, in view above the input bar, and stops polling until asked', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 700 } });
    let polls = 0;
    page.on('request', (r) => {
      if (r.url().includes('/playground/messages?')) polls++;
    });
    await page.goto(`${t.stack.urls.functions}/playground`);
    await page.locator('#chat').waitFor();
    // A number the API refuses: the poll fails.
    await page.fill('#from', 'not a phone');
    await page.getByRole('button', { name: 'Try again' }).waitFor({ timeout: 5_000 });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/^Stopped refreshing the conversation: from: must be a phone number/);
    // Visible, and not covered by anything: the element at its centre is the alert itself.
    const box = (await alert.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(700);
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.id, [box.x + 5, box.y + box.height / 2])).toBe('error');
    const stoppedAt = polls;
    await page.waitForTimeout(2_500);
    expect(polls).toBe(stoppedAt);
    // Fixed number, "Try again": polling resumes and the problem goes away.
    await page.fill('#from', '15551230000');
    await page.getByRole('button', { name: 'Try again' }).click();
    // Cleared, the alert is gone from the page (an empty one is not shown).
    await expect.poll(() => page.locator('#error').textContent()).toBe('');
    expect(await alert.count()).toBe(0);
    await expect.poll(() => polls, { timeout: 5_000 }).toBeGreaterThan(stoppedAt + 1);
    await page.close();
  });
});
