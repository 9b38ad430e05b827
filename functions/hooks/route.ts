import { Hono, type Context } from 'hono';
import type { z } from 'zod';
import { waEvent, type WaEvent } from '../../shared/contracts/wa-event.ts';
import { runDeliveryJob } from '../outbound/deliver.ts';
import { applyContactMapping } from '../pipeline/conversation-identity.ts';
import { handleInbound } from '../pipeline/inbound.ts';
import { STALE_CLAIM_SECONDS } from '../pipeline/reply-claim.ts';
import { handleStatus } from '../pipeline/status.ts';
import { handleTeamMessage } from '../pipeline/team-message.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import type { HonoEnv } from '../hono-env.ts';
import { deliveryJob } from '../outbound/delivery-job.ts';
import { outboundMediaHook } from '../outbound/media-hook.ts';
import { retentionHook } from '../retention/hook.ts';
import { alertsHook } from '../alerts/hook.ts';
import { checkFreeTiersNowAndThen, checkModel, onSessionStatus } from '../alerts/evaluate.ts';
import { reportFailedHooks } from '../sentry/report.ts';
import { pingHook } from './ping.ts';
import { verifyQStash } from './verify-qstash.ts';

type HookEnv = HonoEnv & { Variables: { rawBody: string } };

/** QStash-triggered handlers. 2xx only once effects are durable; 5xx to be retried; 489 never. */
export const hooks = new Hono<HookEnv>();
hooks.use(verifyQStash);
hooks.use(reportFailedHooks);

hooks.post('/whatsapp', async (c) => {
  const event = decode(c, waEvent);
  if (event instanceof Response) return event;
  const outcome = await dispatch(c.get('services'), event);
  c.get('log').debug({ id: event.id, type: event.type, outcome }, 'whatsapp event');
  // Another delivery of this message is composing its reply, or its composer died: come back once
  // that claim would be stale, so a takeover needs one retry of the free plan's three, not all of them.
  if (outcome === 'busy') return c.json({ outcome }, 503, { 'Retry-After': String(STALE_CLAIM_SECONDS + 5) });
  // A reaction, edit or delete whose message is not stored: maybe still in the queue beside it, so
  // one retry (after the queue's backoff); then it names a message we never had, and is let go.
  if (outcome === 'target_pending') {
    if (Number(c.req.header('upstash-retried') ?? '0') < 1) return c.json({ outcome }, 503);
    return c.json({ outcome: 'ignored', reason: 'the message it changes is not stored' });
  }
  return c.json({ outcome });
});

hooks.get('/media/:id', outboundMediaHook);
hooks.post('/retention', retentionHook);
hooks.post('/alerts', alertsHook);
hooks.post('/ping', pingHook);

hooks.post('/deliver', async (c) => {
  const job = decode(c, deliveryJob);
  if (job instanceof Response) return job;
  const outcome = await runDeliveryJob(c.get('services'), job);
  if (outcome === 'retry') return c.json({ outcome }, 503);
  return c.json({ outcome });
});

async function dispatch(s: Services, event: WaEvent): Promise<string> {
  switch (event.type) {
    case 'message.received': {
      const outcome = await handleInbound(s, event);
      await alertOn(s, () => checkModel(s));
      await alertOn(s, () => checkFreeTiersNowAndThen(s));
      return outcome;
    }
    case 'message.from_team':
      return await handleTeamMessage(s, event);
    case 'message.status':
      return await handleStatus(s, event);
    case 'session.status':
      await emitWebhookEvent(
        s,
        'session.status',
        { sessionId: event.sessionId, status: event.status, reason: event.reason, phone: event.phone },
        { key: event.id },
      );
      await alertOn(s, () => onSessionStatus(s, event));
      return 'recorded';
    case 'contact.mapping':
      return await applyContactMapping(s.db, event);
  }
}

/**
 * The alerts an event can open or clear, as it arrives (ALERT_WEBHOOK_URL only). Their failure is
 * logged, never the event's: the 2-minute evaluation catches up on it.
 */
async function alertOn(s: Services, evaluate: () => Promise<void>): Promise<void> {
  if (!s.config.ALERT_WEBHOOK_URL) return;
  await evaluate().catch((err: unknown) => s.log.error({ err: String(err) }, 'an alert check failed'));
}

/**
 * A body that can never be processed is answered 489 with Upstash-NonRetryable-Error, so QStash moves
 * it to the dead-letter list at once instead of retrying it, and it stays visible there.
 */
function decode<T>(c: Context<HookEnv>, schema: z.ZodType<T>): T | Response {
  let json: unknown;
  try {
    json = JSON.parse(c.get('rawBody'));
  } catch {
    return nonRetryable(c, 'The body is not JSON.');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return nonRetryable(c, `Invalid event: ${issue.path.join('.') || 'body'} ${issue.message}.`);
  }
  return parsed.data;
}

function nonRetryable(c: Context<HookEnv>, message: string): Response {
  c.get('log').warn({ message }, 'undecodable hook body, sent to the dead-letter list');
  return c.json(
    { error: { code: 'UNDECODABLE', message, requestId: c.get('requestId') } },
    489 as 400,
    { 'Upstash-NonRetryable-Error': 'true' },
  );
}
