/**
 * The console's alerts banner against the running stack: a real condition (a message QStash could not
 * deliver, in its dead-letter list) shows above every page with its sentence and its runbook section,
 * picked up by the banner's own minute poll (the browser's clock moved on, not waited for), and goes
 * away once the condition is resolved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../functions/alerts/evaluate.ts';
import { consoleBrowser, PHONE } from '../test-support/console-browser.ts';
import { eventually, startPipelineStack } from '../test-support/pipeline-stack.ts';
import { ALERTS_POLL_MS } from './src/components/alerts-poll.ts';
import { startAlertReceiver, type AlertReceiver } from '../test-support/alert-receiver.ts';

let receiver: AlertReceiver;

beforeAll(async () => {
  receiver = await startAlertReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

const ui = consoleBrowser(() => startPipelineStack({ env: { ALERT_WEBHOOK_URL: receiver.url } }));
const services = () => ui.t.stack.functions.services;

/** A body the hook can never decode is answered 489: QStash moves it to the dead-letter list at once. */
async function deadLetter() {
  await services().qstash.publishJSON({ url: `${ui.base}/hooks/whatsapp`, body: { not: 'an event' } });
  await eventually(async () => (await services().qstash.dlq.listMessages()).messages.length > 0, 'the dead-letter entry');
}

async function emptyDeadLetters() {
  const { messages } = await services().qstash.dlq.listMessages();
  await services().qstash.dlq.deleteMany({ dlqIds: messages.map((m) => m.dlqId) });
}

describe('the console’s alerts banner', () => {
  it('shows a dead-letter entry with its runbook section, and is gone once it is resolved', async () => {
    await eventually(() => ui.t.fake.latest()?.state === 'open', 'the number to be open');
    expect(await evaluateAlerts(services())).toEqual({ outcome: 'evaluated', failed: [] });

    const { page, problems } = await ui.newTab();
    await page.clock.install();
    await page.goto(`${ui.base}/console/numbers`);
    await ui.signIn(page);
    await page.getByRole('heading', { name: 'Numbers' }).waitFor();
    const banner = page.getByRole('region', { name: 'Alerts' });
    expect(await banner.count()).toBe(0);

    await deadLetter();
    await evaluateAlerts(services());
    expect(receiver.said).toEqual([expect.stringContaining('messages are in the dead-letter list')]);

    await page.clock.runFor(ALERTS_POLL_MS + 1000);
    await banner.waitFor();
    expect(await banner.getByRole('heading').textContent()).toBe('1 problem needs attention');
    expect(await banner.textContent()).toContain("1 message could not be delivered and wait in QStash's dead-letter list.");
    await banner.getByText('How to fix it').click();
    await banner.getByText('Open the Upstash console → QStash', { exact: false }).waitFor();
    expect(await banner.textContent()).toContain('docs/runbooks.md → Alert: dead-letter messages');
    expect(await ui.accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/console-alerts-banner.png' });

    await emptyDeadLetters();
    await evaluateAlerts(services());
    expect(receiver.said).toEqual([expect.stringContaining('dead-letter'), expect.stringContaining('resolved: messages are in the dead-letter list')]);
    await page.clock.runFor(ALERTS_POLL_MS + 1000);
    await banner.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Numbers' }).waitFor();
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows on the Usage page too, and fits a phone', async () => {
    await deadLetter();
    await evaluateAlerts(services());
    const { page, problems } = await ui.openSignedIn('/console/usage', PHONE);
    const banner = page.getByRole('region', { name: 'Alerts' });
    await banner.waitFor();
    await banner.getByText('How to fix it').click();
    // Nothing wider than the screen: the runbook's commands scroll inside their own box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: '/tmp/console-alerts-banner-phone.png', fullPage: true });
    await emptyDeadLetters();
    await evaluateAlerts(services());
    expect(problems).toEqual([]);
  }, 60_000);
});
