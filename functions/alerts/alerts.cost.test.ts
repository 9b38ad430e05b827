/**
 * What the alerts cost and what the event-less conditions do, on the running stack (fake WhatsApp
 * socket, the local queue, PostgreSQL, Redis) with a local Slack-style receiver:
 * - a steady-state evaluation (nothing open, nothing changed) issues no database query and one Redis
 *   command, counted by the clients the evaluation uses;
 * - a number down (the socket-host gone) is announced only once it has been down 5 minutes — the time
 *   is moved by backdating the condition's row, not waited for — and resolved when it answers again;
 * - a free tier past 80 % (seeded usage counts) is announced by the traffic that comes, and resolved
 *   by the periodic evaluation once the counts are under again;
 * - a day after the database was last read, one evaluation reads it (what only it knows);
 * - GET /v1/alerts shows what is open and what was resolved, with the runbook sections.
 */
import { neon } from '@neondatabase/serverless';
import { Redis } from '@upstash/redis';
import { and, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../drizzle/schema.ts';
import { alerts, usageDaily, webhookSubscriptions } from '../../drizzle/schema.ts';
import { freePort } from '../../local/free-port.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import type { Services } from '../services.ts';
import { commandsIn } from '../usage/count-redis.ts';
import { utcDay } from '../usage/meter.ts';
import { evaluateAlerts } from './evaluate.ts';
import { mirrorKey, publishMirror, RECONCILE_AFTER_MS, type AlertMirror } from './mirror.ts';
import { startAlertReceiver, type AlertReceiver } from '../../test-support/alert-receiver.ts';

let t: PipelineStack;
let receiver: AlertReceiver;

beforeAll(async () => {
  receiver = await startAlertReceiver();
  t = await startPipelineStack({ reply: () => 'Olá!', env: { ALERT_WEBHOOK_URL: receiver.url } });
  await eventually(() => t.fake.latest()?.state === 'open', 'the number to be open');
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const services = () => t.stack.functions.services;
const about = (words: RegExp) => receiver.about(words);

/**
 * The stack's services with their own database and Redis clients, which count what they send: every
 * SQL statement drizzle runs, and every Redis command as Upstash bills it (a pipeline of n is n).
 */
function counted(base: Services = services()) {
  const n = { queries: 0, redisCommands: 0 };
  const db = drizzle({ client: neon(base.config.DATABASE_URL), schema, logger: { logQuery: () => void (n.queries += 1) } });
  const redis = new Redis({ url: base.config.UPSTASH_REDIS_REST_URL, token: base.config.UPSTASH_REDIS_REST_TOKEN, enableTelemetry: false });
  redis.use(async (req, next) => {
    n.redisCommands += commandsIn(req);
    return await next(req);
  });
  return { s: { ...base, db, redis } as Services, n };
}

type AlertsBody = { enabled: boolean; open: { key: string; kind: string; detail: string; notifiedAt: string | null; runbook: string }[]; resolved: { key: string; resolvedAt: string }[] };
const listAlerts = async () => (await (await t.api('/v1/alerts')).json()) as AlertsBody;

describe('alerts: cost and the conditions without an event', () => {
  // First: any request to GET /v1/alerts also reads the counts, at most every 10 minutes per isolate.
  it('a free tier past 80 % is announced by the traffic that comes, and resolved when its counts are under', async () => {
    const today = utcDay(Date.now());
    await services().db.insert(usageDaily).values({ day: today, metric: 'queue.messages', value: 850 })
      .onConflictDoUpdate({ target: [usageDaily.day, usageDaily.metric], set: { value: sql`excluded.value` } });
    // A customer writes: the hook that stores the message reads the counts (the database is awake for it).
    await t.customerWrites('5511900000101', 'Oi');
    const alert = await eventually(() => about(/free tier is past 80/)[0], 'the free-tier alert', 30_000);
    expect(alert).toMatch(/QStash messages: 8\d\d of 1,000 this day/);
    expect(alert).toContain('#alert-free-tier-past-80-percent');
    expect((await listAlerts()).open.map((a) => a.key)).toEqual(['free_tier:qstash-messages']);

    // Midnight, as far as the counts go: the periodic evaluation reads them again while the tier is open.
    await services().db.delete(usageDaily).where(and(eq(usageDaily.day, today), eq(usageDaily.metric, 'queue.messages')));
    for (let i = 0; i < 3; i++) await evaluateAlerts(services());
    expect(about(/free tier is past 80/)).toEqual([alert, expect.stringContaining('resolved: a free tier is past 80 %')]);
    expect((await listAlerts()).open).toEqual([]);
  }, 90_000);

  it('a steady-state evaluation queries no database and sends one Redis command', async () => {
    // No mirror yet (a new deployment): the first evaluation reads the database and writes the mirror.
    await services().redis.del(mirrorKey(services().config));
    const first = counted();
    expect(await evaluateAlerts(first.s)).toEqual({ outcome: 'evaluated', failed: [] });
    expect(first.n.queries).toBeGreaterThan(0);

    const alertsBefore = receiver.said.length;
    for (let i = 0; i < 3; i++) {
      const steady = counted();
      expect(await evaluateAlerts(steady.s)).toEqual({ outcome: 'evaluated', failed: [] });
      expect(steady.n).toEqual({ queries: 0, redisCommands: 1 }); // one HGET of the mirror
    }
    expect(receiver.said).toHaveLength(alertsBefore);
  }, 60_000);

  it('a number down is announced once it has been down 5 minutes, once, then resolved once', async () => {
    // The socket-host gone: a port nothing listens on.
    const gone = { ...services(), config: { ...services().config, SOCKET_HOST_URL: `http://127.0.0.1:${await freePort()}` } };
    expect(await evaluateAlerts(gone)).toEqual({ outcome: 'evaluated', failed: [] });
    const waiting = counted(gone);
    await evaluateAlerts(waiting.s);
    expect(about(/socket-host does not answer/)).toEqual([]);
    // Down, but not for 5 minutes yet: nothing changed, nothing is queried.
    expect(waiting.n).toEqual({ queries: 0, redisCommands: 1 });
    const shown = await listAlerts();
    expect(shown.open).toEqual([expect.objectContaining({ key: 'down:socket-host', kind: 'down', notifiedAt: null, runbook: 'docs/runbooks.md#whatsapp-cannot-be-reached-status-reconnecting' })]);

    // Five minutes pass: the condition began 5 minutes earlier than it did.
    await services().db.update(alerts).set({ openedAt: sql`${alerts.openedAt} - interval '5 minutes'` }).where(eq(alerts.key, 'down:socket-host'));
    await publishMirror(services());
    for (let i = 0; i < 3; i++) await evaluateAlerts(gone);
    expect(about(/socket-host does not answer/)).toHaveLength(1);
    expect(about(/socket-host does not answer/)[0]).toContain('docs/runbooks.md#whatsapp-cannot-be-reached-status-reconnecting');

    for (let i = 0; i < 3; i++) await evaluateAlerts(services());
    expect(about(/down/)).toEqual([expect.stringContaining('a number is down'), expect.stringContaining('resolved: a number is down (down:socket-host)')]);
    const after = await listAlerts();
    expect(after.open).toEqual([]);
    expect(after.resolved.map((a) => a.key)).toContain('down:socket-host');
  }, 60_000);

  it('a day after its last reading the evaluation reads the database once: a pause whose alert was lost is announced', async () => {
    // A subscriber paused behind the events' back (its alert's check failed, say): only the database knows.
    const [sub] = await services().db
      .insert(webhookSubscriptions)
      .values({ url: 'https://hooks.example.com/in?token=secret', events: ['message.received'], secret: 'whsec_test', pausedAt: new Date(), pausedReason: 'the last 5 delivery attempts failed' })
      .returning({ id: webhookSubscriptions.id });
    const quiet = counted();
    await evaluateAlerts(quiet.s);
    expect(quiet.n.queries).toBe(0);
    expect(about(/subscriber is paused/)).toEqual([]);

    // The mirror's last reading of the database, a day ago.
    const key = mirrorKey(services().config);
    const mirror = (await services().redis.hget<AlertMirror>(key, 'state'))!;
    await services().redis.hset(key, { state: JSON.stringify({ ...mirror, at: mirror.at - RECONCILE_AFTER_MS }) });
    const daily = counted();
    await evaluateAlerts(daily.s);
    expect(daily.n.queries).toBeGreaterThan(0);
    expect(about(/subscriber is paused/)).toEqual([expect.stringContaining(`webhook subscription ${sub!.id} (hooks.example.com) was paused`)]);
    const next = counted();
    await evaluateAlerts(next.s);
    expect(next.n).toEqual({ queries: 0, redisCommands: 1 });
  }, 60_000);

  it('GET /v1/alerts needs usage:read or keys:admin', async () => {
    const res = await t.api('/v1/keys', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['conversations:read'] }) });
    const { key } = (await res.json()) as { key: string };
    const denied = await fetch(`${t.stack.urls.functions}/v1/alerts`, { headers: { authorization: `Bearer ${key}` } });
    expect(denied.status).toBe(403);
    expect((await listAlerts()).enabled).toBe(true);
  }, 30_000);
});
