/**
 * The Worker as it ships, in workerd (`wrangler dev --test-scheduled`), with wrangler.toml's 2-minute
 * cron fired through wrangler's /__scheduled route: the `scheduled` handler runs the alert evaluation
 * with the Worker's own bindings (the database through the Neon stand-in, Redis, QStash), and a local
 * Slack-style receiver gets the alert once, then "resolved" once. The condition: the socket-host
 * failing (a stand-in answering 503), announced once it has been down 5 minutes — its row backdated.
 */
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts } from '../../drizzle/schema.ts';
import { listen, type Listening } from '../../local/listen.ts';
import { eventually } from '../../test-support/eventually.ts';
import { startWranglerDev, WRANGLER_DEV_HOOK_TIMEOUT_MS, type WranglerDev } from '../../test-support/wrangler-dev.ts';
import { ALERTS_CRON } from '../retention/scheduled.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';
import { publishMirror } from './mirror.ts';
import { startAlertReceiver, type AlertReceiver } from '../../test-support/alert-receiver.ts';

let h: Harness;
let worker: WranglerDev;
let receiver: AlertReceiver;
let socketHost: Listening;
let socketHostUp = false;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  // The socket-host's /health/details, up (no numbers) or failing.
  socketHost = await listen(new Hono().get('/health/details', (c) => (socketHostUp ? c.json({ sessions: [] }) : c.text('down', 503))).fetch);
  h = await startHarness({ socketHost: false });
  const vars = h.services.config as unknown as Record<string, unknown>;
  worker = await startWranglerDev({
    vars: { ...vars, MODE: 'local', LOG_LEVEL: 'warn', SOCKET_HOST_URL: socketHost.url, ALERT_WEBHOOK_URL: receiver.url },
    flags: ['--test-scheduled'],
  });
}, WRANGLER_DEV_HOOK_TIMEOUT_MS);

afterAll(async () => {
  worker?.stop();
  await h?.close();
  await receiver?.close();
  await socketHost?.close();
});

/** Fires the 2-minute cron; its evaluation runs on after the answer (waitUntil), so callers wait for its effect. */
async function fireCron() {
  const res = await fetch(`${worker.url}/__scheduled?cron=${encodeURIComponent(ALERTS_CRON)}`);
  expect(res.status).toBe(200);
}

describe('the 2-minute cron on the Workers runtime (workerd)', () => {
  it('is in wrangler.toml', () => {
    expect(worker.crons).toContain(ALERTS_CRON);
  });

  it('evaluates the alerts: a socket-host down 5 minutes reaches the receiver once, then resolved once', async () => {
    await fireCron();
    const row = await eventually(async () => (await h.db.select().from(alerts).where(eq(alerts.key, 'down:socket-host')))[0], 'the Worker to record the condition');
    expect(row.notifiedAt).toBeNull();
    expect(receiver.said).toEqual([]);

    // Five minutes pass: the condition began 5 minutes earlier than it did.
    await h.db.update(alerts).set({ openedAt: sql`${alerts.openedAt} - interval '5 minutes'` }).where(eq(alerts.key, 'down:socket-host'));
    await publishMirror(h.services);
    await fireCron();
    const alert = await eventually(() => receiver.said[0], 'the alert from the Worker');
    expect(alert).toMatch(/a number is down — the socket-host does not answer \(.*503.*\)\. Runbook: docs\/runbooks\.md#whatsapp-cannot-be-reached-status-reconnecting/);
    await fireCron();

    socketHostUp = true;
    await fireCron();
    await eventually(() => receiver.said.length >= 2, 'the resolution from the Worker');
    await fireCron();
    await eventually(async () => (await h.db.select().from(alerts).where(eq(alerts.key, 'down:socket-host')))[0]?.resolvedAt, 'the row resolved');
    expect(receiver.said).toEqual([alert, expect.stringContaining('resolved: a number is down (down:socket-host)')]);
  }, 120_000);
});
