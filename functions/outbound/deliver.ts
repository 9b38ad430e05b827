import { and, eq, inArray, sql } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';
import { MODEL_ERROR_PREFIX } from '../pipeline/reply-claim.ts';
import { toPublicMessage } from '../v1/views.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import { OUTBOUND_MEDIA_TYPES, type OutboundMediaRef, type OutboundMediaType } from '../../shared/contracts/send-request.ts';
import type { DeliveryJob } from './delivery-job.ts';
import { OUTBOUND_MEDIA_HOOK_PATH } from './media-hook.ts';
import { markReadOnReply } from './read-receipts.ts';
import { sendToSocketHost } from './socket-host-client.ts';

type Part = Pick<
  typeof messages.$inferSelect,
  'id' | 'waMessageId' | 'text' | 'status' | 'conversationId' | 'direction' | 'author' | 'createdAt'
> &
  Partial<Pick<typeof messages.$inferSelect, 'type' | 'media'>>;
/** 'queued': the socket-host accepted it and sends it in its turn (the outcome comes as a status event). */
type PartOutcome = 'sent' | 'queued' | 'retry' | 'failed';

/**
 * Hands stored outbound messages to the socket-host, in order. Its `/send` answers at once: `sent`
 * when the send finished within its short bound, else `queued` (its per-number queue sends it in
 * turn and reports the outcome as a `message.status` event, see pipeline/status.ts). Only when the
 * socket-host cannot be reached do the rest go to the queue as one `/hooks/deliver` job. The
 * socket-host sends each WhatsApp id once, so asking again after an unclear failure is safe.
 */
export async function deliver(s: Services, job: DeliveryJob, parts: Part[]): Promise<'sent' | 'queued' | 'failed'> {
  // Beside the send, not before it: the reply waits its typing pause anyway, and never for this.
  const reading = parts[0]?.author === 'agent' ? markReadOnReply(s, { ...job, conversationId: parts[0].conversationId }) : undefined;
  const outcome = await sendInOrder(s, job, parts);
  await reading;
  if (outcome.result !== 'retry') return outcome.result;
  await enqueueDelivery(s, { ...job, messageIds: parts.slice(outcome.at).map((p) => p.id) });
  return 'queued';
}

/** The queue's delivery job: hands over what is still unsent; 'retry' asks the queue to come back later. */
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
      type: messages.type,
      media: messages.media,
    })
    .from(messages)
    .where(inArray(messages.id, job.messageIds));
  const ordered = job.messageIds.map((id) => rows.find((r) => r.id === id)).filter((r) => r !== undefined);
  return (await sendInOrder(s, job, ordered)).result;
}

/**
 * Each part is handed over only after the one before was accepted, so the socket-host's queue holds
 * them in order. A part still waiting in that queue does not hold the next one back.
 */
async function sendInOrder(s: Services, job: DeliveryJob, parts: Part[]): Promise<{ result: PartOutcome; at: number }> {
  let result: PartOutcome = 'sent';
  for (const [at, part] of parts.entries()) {
    if (part.status !== 'queued') continue;
    const outcome = await sendPart(s, job, part);
    if (outcome === 'retry' || outcome === 'failed') return { result: outcome, at };
    if (outcome === 'queued') result = 'queued';
  }
  return { result, at: parts.length };
}

async function sendPart(s: Services, job: DeliveryJob, part: Part): Promise<PartOutcome> {
  const outcome = await sendToSocketHost(s, {
    v: 1,
    sessionId: job.sessionId,
    to: job.to,
    waMessageId: part.waMessageId,
    text: part.text,
    typing: true,
    media: outboundMediaRef(s, part),
  });
  const sent = outcome.ok && outcome.status === 'sent';
  const status = sent ? 'sent' : outcome.ok || outcome.retry ? undefined : 'failed';
  // Only a queued row moves: a status event that got here first (sent, delivered…) is never undone.
  const moved = await s.db
    .update(messages)
    // A send that went through clears a send error, never the model's (the model alert reads it).
    .set({
      ...(status ? { status } : {}),
      // The first time the socket-host took it: where the reply latency of /v1/usage ends.
      ...(outcome.ok ? { handedAt: sql`coalesce(${messages.handedAt}, now())` } : {}),
      error: outcome.ok ? sql`case when ${messages.error} like ${`${MODEL_ERROR_PREFIX}%`} then ${messages.error} end` : outcome.reason,
      updatedAt: sql`now()`,
    })
    .where(and(eq(messages.id, part.id), eq(messages.status, 'queued')))
    .returning({ id: messages.id });
  if (sent && moved.length) {
    s.usage.add('messages.sent');
    await emitWebhookEvent(
      s,
      'message.sent',
      { sessionId: job.sessionId, conversationId: part.conversationId, to: job.to, message: toPublicMessage({ ...part, status: 'sent' }) },
      { key: part.id },
    );
  }
  return outcome.ok ? outcome.status : outcome.retry ? 'retry' : 'failed';
}

/**
 * Only for a socket-host that cannot be reached (restarting, deploying). QStash's free plan allows 3
 * retries; with its default backoff (12 s, 2.5 min, 30 min after the first try) they cover a restart
 * or a deploy many times over. A socket-host that is up accepts at once, whatever its socket's state.
 */
export const DELIVERY_RETRIES = 3;

export async function enqueueDelivery(s: Services, job: DeliveryJob): Promise<void> {
  await s.qstash.publishJSON({
    url: new URL('/hooks/deliver', s.config.PUBLIC_URL).toString(),
    body: job,
    deduplicationId: `deliver-${job.messageIds[0]}`,
    retries: DELIVERY_RETRIES,
  });
}

/**
 * What the socket-host needs to send a message's file: where to download it (our own signed
 * `/hooks/media/{id}`, served from the media bucket), never the bytes themselves.
 */
function outboundMediaRef(s: Services, part: Part): OutboundMediaRef | undefined {
  if (!part.media?.stored || !part.type || !isOutboundMediaType(part.type)) return undefined;
  return {
    type: part.type,
    mimeType: part.media.mimeType ?? 'application/octet-stream',
    ...(part.media.fileName ? { fileName: part.media.fileName } : {}),
    url: `${s.config.PUBLIC_URL.replace(/\/+$/, '')}${OUTBOUND_MEDIA_HOOK_PATH}/${part.id}`,
  };
}

const isOutboundMediaType = (type: string): type is OutboundMediaType => (OUTBOUND_MEDIA_TYPES as readonly string[]).includes(type);
