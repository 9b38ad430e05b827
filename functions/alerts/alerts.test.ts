/**
 * Each alert condition produced for real on the running stack (fake WhatsApp socket, fake model, the
 * local queue, PostgreSQL), reaching a local Slack-style receiver once, then "resolved" once; evaluating
 * again and again sends nothing more.
 */
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../local/listen.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { evaluateAlerts, onSessionStatus } from './evaluate.ts';
import { startAlertReceiver, type AlertReceiver } from '../../test-support/alert-receiver.ts';

let t: PipelineStack;
let receiver: AlertReceiver;
let failingSubscriber: Listening;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  failingSubscriber = await listen(new Hono().post('/hook', (c) => c.text('down', 500)).fetch);
  t = await startPipelineStack({
    reply: () => 'Olá! Como posso ajudar?',
    env: {
      ALERT_WEBHOOK_URL: receiver.url,
      WEBHOOK_RETRIES: '1',
      WEBHOOK_RETRY_DELAY: '10',
      WEBHOOK_PAUSE_AFTER_FAILURES: '2',
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
  await failingSubscriber?.close();
});

const services = () => t.stack.functions.services;
const about = (words: RegExp) => receiver.about(words);
/** Several evaluations in a row, as the cron and other isolates would run them. */
async function evaluateTimes(n: number) {
  for (let i = 0; i < n; i++) expect(await evaluateAlerts(services())).toEqual({ outcome: 'evaluated', failed: [] });
}

describe('alerts', () => {
  it('a number logged out is announced at once, once, and resolved once when it is linked again', async () => {
    await eventually(() => t.fake.latest()?.state === 'open', 'the number to be open');
    t.fake.latest()!.close(401, 'Connection Failure');
    const alert = await eventually(() => about(/logged out/)[0], 'the logged-out alert');
    expect(alert).toContain('docs/runbooks.md#re-pair-needed-status-logged_out');
    await evaluateTimes(3);
    expect(about(/logged out/)).toHaveLength(1);

    expect((await t.api('/v1/sessions/default/restart', { method: 'POST' })).status).toBe(200);
    await eventually(() => about(/resolved: a number is logged out/)[0], 'the logged-out resolution');
    await evaluateTimes(2);
    expect(about(/logged out/)).toHaveLength(2);
  }, 60_000);

  it('the model failing three replies in a row is announced once, and resolved by a reply it writes', async () => {
    await eventually(() => t.fake.latest()?.state === 'open', 'the number to be open again');
    t.model.failNextCalls(1000);
    for (const phone of ['5511900000001', '5511900000002', '5511900000003']) {
      await t.customerWrites(phone, 'Oi, vocês abrem amanhã?');
      // The model is retried (the ai SDK's backoff) before the fallback: allow for it.
      await eventually(async () => (await t.rows(phone)).some((r) => r.author === 'agent' && r.error), `the fallback for ${phone}`, 60_000);
    }
    const alert = await eventually(() => about(/model keeps failing/)[0], 'the model alert', 30_000);
    expect(alert).toContain('upstream overloaded');
    expect(alert).toContain('#alert-model-failing');
    await evaluateTimes(3);
    expect(about(/model keeps failing/)).toHaveLength(1);

    t.model.failNextCalls(0);
    await t.customerWrites('5511900000004', 'Oi!');
    await eventually(() => about(/resolved: the model keeps failing/)[0], 'the model resolution', 30_000);
    await evaluateTimes(2);
    expect(about(/model keeps failing/)).toHaveLength(2);
  }, 240_000);

  it('a webhook subscriber that keeps failing is paused, announced once, and resolved when resumed', async () => {
    const res = await t.api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url: `${failingSubscriber.url}/hook`, events: ['message.received'] }) });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await t.customerWrites('5511900000005', 'Olá');
    await t.customerWrites('5511900000006', 'Olá');
    await eventually(async () => {
      const { data } = (await (await t.api('/v1/webhooks')).json()) as { data: { id: string; pausedAt: string | null }[] };
      return data.find((w) => w.id === id)?.pausedAt;
    }, 'the subscriber to be paused', 30_000);
    await evaluateTimes(3);
    const alerts = about(/subscriber is paused/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain(id);
    expect(alerts[0]).not.toContain('/hook');

    expect((await t.api(`/v1/webhooks/${id}/resume`, { method: 'POST' })).status).toBe(200);
    await evaluateTimes(3);
    expect(about(/subscriber is paused/)).toEqual([alerts[0], expect.stringContaining('resolved')]);
  }, 60_000);

  it('a dead-letter entry is announced once, and resolved once the list is emptied', async () => {
    // A body the hook can never decode is answered 489: QStash moves it to the dead-letter list at once.
    await services().qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: { not: 'an event' } });
    await eventually(async () => (await services().qstash.dlq.listMessages()).messages.length > 0, 'the dead-letter entry');
    await evaluateTimes(3);
    const alerts = about(/dead-letter/);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatch(/1 message could not be delivered/);

    const { messages } = await services().qstash.dlq.listMessages();
    await services().qstash.dlq.deleteMany({ dlqIds: messages.map((m) => m.dlqId) });
    await evaluateTimes(3);
    expect(about(/dead-letter/)).toEqual([alerts[0], expect.stringContaining('resolved')]);
  }, 60_000);

  it('shows the conditions holding now in the health details', async () => {
    await services().qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: { not: 'an event' } });
    await eventually(async () => (await services().qstash.dlq.listMessages()).messages.length > 0, 'the dead-letter entry');
    await evaluateTimes(1);
    const health = (await (await t.api('/api/health')).json()) as { checks: { alerts: { ok: boolean; open: { key: string; detail: string }[] } } };
    expect(health.checks.alerts.ok).toBe(true);
    expect(health.checks.alerts.open.map((a) => a.key)).toEqual(['dead_letters']);
  }, 60_000);

  it('a status event delivered late changes nothing its successor settled', async () => {
    const t0 = Date.now() - 60_000;
    const event = (status: 'open' | 'logged_out', secondsIn: number) => ({
      v: 1 as const, id: `late-${status}-${secondsIn}`, sessionId: 'late', type: 'session.status' as const,
      status, reason: status === 'logged_out' ? 'Connection Failure' : null, phone: '5511999990000',
      at: new Date(t0 + secondsIn * 1000).toISOString(),
    });
    const loggedOut = () => about(/"late" was logged out|resolved: a number is logged out.*late/s);
    await onSessionStatus(services(), event('logged_out', 10));
    await onSessionStatus(services(), event('open', 5)); // the open before the logout, retried
    expect(loggedOut()).toHaveLength(1);
    await onSessionStatus(services(), event('open', 20)); // linked again
    expect(loggedOut()).toHaveLength(2);
    await onSessionStatus(services(), event('logged_out', 10)); // the logout, delivered twice
    expect(loggedOut()).toHaveLength(2);
  }, 60_000);
});
