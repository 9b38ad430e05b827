import { eq, inArray, sql } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { toPublicMessage } from '../v1/views.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import type { DeliveryJob } from './delivery-job.ts';
import { sendToSocketHost } from './socket-host-client.ts';

type Part = Pick<
  typeof messages.$inferSelect,
  'id' | 'waMessageId' | 'text' | 'status' | 'conversationId' | 'direction' | 'author' | 'createdAt'
>;
type PartOutcome = 'sent' | 'retry' | 'failed';

/**
 * Delivers stored outbound messages in order. Each goes straight to the socket-host; if it cannot
 * take them now (restarting, socket not open), the rest go to the queue as one job that
 * `/hooks/deliver` retries until the socket-host is back. The socket-host sends each WhatsApp id once,
 * so a send retried after an unclear failure never reaches the customer twice.
 */
export async function deliver(s: Services, job: DeliveryJob, parts: Part[]): Promise<'sent' | 'queued' | 'failed'> {
  const outcome = await sendInOrder(s, job, parts);
  if (outcome.result !== 'retry') return outcome.result;
  await enqueueDelivery(s, { ...job, messageIds: parts.slice(outcome.at).map((p) => p.id) });
  return 'queued';
}

/** The queue's delivery job: sends what is still unsent; 'retry' asks the queue to come back later. */
export async function runDeliveryJob(s: Services, job: DeliveryJob): Promise<PartOutcome> {
  const rows = await s.db
    .select({
      id: messages.id,
      waMessageId: messages.waMessageId,
      text: messages.text,
      status: messages.status,
      conversationId: messages.conversationId,
      direction: messages.direction,
      author: messages.author,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .where(inArray(messages.id, job.messageIds));
  const ordered = job.messageIds.map((id) => rows.find((r) => r.id === id)).filter((r) => r !== undefined);
  return (await sendInOrder(s, job, ordered)).result;
}

async function sendInOrder(s: Services, job: DeliveryJob, parts: Part[]): Promise<{ result: PartOutcome; at: number }> {
  for (const [at, part] of parts.entries()) {
    if (part.status === 'sent') continue;
    const result = await sendPart(s, job, part);
    if (result !== 'sent') return { result, at };
  }
  return { result: 'sent', at: parts.length };
}

async function sendPart(s: Services, job: DeliveryJob, part: Part): Promise<PartOutcome> {
  const outcome = await sendToSocketHost(s, {
    v: 1,
    sessionId: job.sessionId,
    to: job.to,
    waMessageId: part.waMessageId,
    text: part.text,
    typing: true,
  });
  const status = outcome.ok ? 'sent' : outcome.retry ? undefined : 'failed';
  await s.db
    .update(messages)
    .set({ ...(status ? { status } : {}), error: outcome.ok ? null : outcome.reason, updatedAt: sql`now()` })
    .where(eq(messages.id, part.id));
  if (outcome.ok) {
    s.usage.add('messages.sent');
    await emitWebhookEvent(
      s,
      'message.sent',
      { sessionId: job.sessionId, conversationId: part.conversationId, to: job.to, message: toPublicMessage({ ...part, status: 'sent' }) },
      { key: part.id },
    );
  }
  return outcome.ok ? 'sent' : outcome.retry ? 'retry' : 'failed';
}

/** Replies are retried quickly at first, then every 5 minutes, for about an hour and a half. */
const DELIVERY_RETRIES = 20;
const DELIVERY_RETRY_DELAY = 'min(300000, pow(2, retried) * 2000)';

export async function enqueueDelivery(s: Services, job: DeliveryJob): Promise<void> {
  await s.qstash.publishJSON({
    url: new URL('/hooks/deliver', s.config.PUBLIC_URL).toString(),
    body: job,
    deduplicationId: `deliver-${job.messageIds[0]}`,
    retries: DELIVERY_RETRIES,
    retryDelay: DELIVERY_RETRY_DELAY,
  });
}
