import type { MessageReceived } from '../../shared/contracts/wa-event.ts';
import { composeReply } from '../agent/compose.ts';
import { loadSettings, type AgentSettings } from '../agent/settings.ts';
import { deliver } from '../outbound/deliver.ts';
import { toPublicMessage } from '../v1/views.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import type { Services } from '../services.ts';
import { keepMedia } from '../media/keep-media.ts';
import { contactLimiter } from './contact-limit.ts';
import { conversationStateQueries, readConversationState, type RecentMessage } from './history.ts';
import { applyChangeAndNotify, isChange } from './message-change.ts';
import { claimQueries, CONTACT_LIMIT_ERROR, finishClaim, MODEL_ERROR_PREFIX, readClaim, releaseClaim, type ClaimState } from './reply-claim.ts';
import { readStored, storedIds, storeMessage, storeQueries, type StoredConversation, type StoredMessage } from './store-message.ts';

export type InboundOutcome =
  | 'ignored'
  | 'paused'
  | 'superseded'
  | 'rate_limited'
  | 'already_replied'
  | 'busy'
  | 'taken_over'
  | 'sent'
  | 'queued'
  | 'suppressed'
  | 'updated'
  | 'target_pending'
  | 'failed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A customer's message: store it once, then answer once. A burst of messages gets one answer: each
 * handler waits out the burst window and only the newest message's handler replies, with all of them
 * in context. 'busy' means another delivery of the same message is composing: retry later.
 *
 * Round trips: with nothing to wait for (no burst window left, no file to keep first), storing the
 * message, reading the conversation and claiming the reply are one; else storing is one and, after
 * the wait, reading and claiming another. Then the written reply, then the send's outcome.
 */
export async function handleInbound(s: Services, event: MessageReceived): Promise<InboundOutcome> {
  // The profile of the number the message came to (its own, else the default).
  const settings = await loadSettings(s.db, event.sessionId);
  const wanted = event.kind === 'direct' || (event.kind === 'group' && settings.replyToGroups);
  if (!wanted) return 'ignored';
  // A reaction, an edit or a delete changes an earlier message: no row of its own, no reply. Its
  // target may not be stored yet (the queue delivers a message and its delete side by side).
  if (isChange(event)) return await applyChangeAndNotify(s, event);

  // A file is kept (and a voice note transcribed) before the conversation is read for the model.
  const oneTrip = !event.media && burstWaitLeft(settings, new Date(event.at)) <= 0;
  const stored: Stored = oneTrip ? await storeAndClaim(s, event, settings) : await storeMessage(s.db, event, settings.humanPauseMinutes);
  if (!stored.duplicate) s.usage.add('messages.received');
  const early = stored.claimed?.claim.kind === 'generate' ? stored.claimed.claim.claim : undefined;
  try {
    return await answerOnce(s, event, settings, stored);
  } catch (err) {
    // The claim made with the message is given back as below (a written reply is not: only a
    // 'generating' claim is released, so releasing twice is harmless).
    if (early) await releaseClaim(s.db, early).catch(() => undefined);
    throw err;
  }
}

type Claimed = { state: ReturnType<typeof readConversationState>; claim: ClaimState };
/** `claimed` when the conversation was read and the reply claimed in the same round trip. */
type Stored = { conversation: StoredConversation; message: StoredMessage; duplicate: boolean; claimed?: Claimed };

/** One round trip: the message stored, its conversation read and the reply claimed (see claimQueries). */
async function storeAndClaim(s: Services, event: MessageReceived, settings: AgentSettings): Promise<Stored> {
  const ids = storedIds(event);
  const [merged, rekeyed, upserted, inserted, message, paused, latest, recent, claimed, existing] = await s.db.batch([
    ...storeQueries(s.db, event, settings.humanPauseMinutes),
    ...conversationStateQueries(s.db, ids.conversationId, settings.historyLimit),
    ...claimQueries(s.db, { id: ids.messageId, conversationId: ids.conversationId, sessionId: event.sessionId }),
  ]);
  return {
    ...readStored([merged, rekeyed, upserted, inserted, message]),
    claimed: { state: readConversationState([paused, latest, recent]), claim: await readClaim(s.db, [claimed, existing]) },
  };
}

/** Counted from when the socket-host saw the message; never longer than the window (clock skew). */
const burstWaitLeft = (settings: AgentSettings, at: Date) =>
  Math.min(settings.burstWindowMs, at.getTime() + settings.burstWindowMs - Date.now());

/** The stored message announced, then answered by this handler if it is the one to (see handleInbound). */
async function answerOnce(s: Services, event: MessageReceived, settings: AgentSettings, stored: Stored): Promise<InboundOutcome> {
  const { conversation, duplicate } = stored;
  // Before the webhook, so that its media.url already serves the file; the time it takes is taken
  // out of the burst window below, which is counted from the message's own time.
  const message = await keepMedia(s, stored.message);
  // Keyed on the stored message: a redelivery emits the same delivery, which the queue drops.
  await emitWebhookEvent(
    s,
    'message.received',
    {
      sessionId: event.sessionId,
      conversationId: conversation.id,
      message: toPublicMessage(message),
      contact: { jid: event.chatJid, phone: event.phone, name: event.pushName },
    },
    { key: message.id },
  );
  // A redelivery is checked below, where a pause set by this very message's handoff is told apart.
  if (isPaused(conversation.pausedUntil) && !duplicate) {
    if (stored.claimed?.claim.kind === 'generate') await releaseClaim(s.db, stored.claimed.claim.claim);
    return 'paused';
  }

  let claimed = stored.claimed;
  if (!claimed) {
    const waitLeft = burstWaitLeft(settings, message.createdAt);
    if (waitLeft > 0) await sleep(waitLeft);
    // One round trip reads the conversation and claims the reply; a claim that is not ours is given back.
    const [paused, latest, recent, inserted, existing] = await s.db.batch([
      ...conversationStateQueries(s.db, conversation.id, settings.historyLimit),
      ...claimQueries(s.db, message),
    ]);
    claimed = { state: readConversationState([paused, latest, recent]), claim: await readClaim(s.db, [inserted, existing]) };
  }
  const { state, claim } = claimed;
  // The pause of a handoff made while answering this message is not for this reply: a writer that
  // died after handing off leaves the customer's "a person will answer" to the redelivery.
  const heldBack = isPaused(state.pausedUntil) && state.handoffMessageId !== message.id;
  const notOurs = state.latestInboundId !== message.id ? 'superseded' : heldBack ? 'paused' : undefined;
  if (notOurs) {
    if (claim.kind === 'generate') await releaseClaim(s.db, claim.claim);
    return notOurs;
  }
  if (claim.kind === 'busy') return 'busy';
  if (claim.kind === 'done') return 'already_replied';
  const job = { sessionId: event.sessionId, to: event.chatJid };
  if (claim.kind === 'deliver') return await deliver(s, { ...job, messageIds: claim.parts.map((p) => p.id) }, claim.parts);

  try {
    return await answer(s, settings, state, conversation.id, claim.claim, job);
  } catch (err) {
    // Failed before the reply was written (Redis, the database, …): give the claim back, so the
    // queue's retry composes at once instead of finding it busy until it goes stale.
    await releaseClaim(s.db, claim.claim).catch(() => undefined);
    throw err;
  }
}

/** Composes the reply this handler claimed, writes it and sends it. */
async function answer(
  s: Services,
  settings: AgentSettings,
  { recent, summary }: { recent: RecentMessage[]; summary: string | null },
  conversationId: string,
  claim: StoredMessage,
  job: { sessionId: string; to: string },
): Promise<InboundOutcome> {
  const limit = await contactLimiter(s.redis, s.config.CONTACT_REPLIES_PER_HOUR).limit(conversationId);
  if (!limit.success) {
    const finished = await finishClaim(s.db, claim, { parts: [''], status: 'suppressed', error: CONTACT_LIMIT_ERROR });
    return finished === 'lost' ? 'taken_over' : 'rate_limited';
  }
  const reply = await composeReply(s, settings, recent, {
    sessionId: job.sessionId,
    conversationId,
    triggerId: claim.replyTo!,
    humanPauseMinutes: settings.humanPauseMinutes,
    summary,
  });
  // The fallback goes out once: not again while it is still the last thing the agent said.
  const lastAgent = recent.findLast((m) => m.author === 'agent' && m.status !== 'suppressed' && m.text);
  const repeatFallback = reply.source === 'fallback' && lastAgent?.text === settings.fallbackText;
  // A model failure is kept on the row, marked as the model's (MODEL_ERROR_PREFIX): the model alert
  // reads it, and a later send outcome does not wipe it.
  const error = reply.error ? `${MODEL_ERROR_PREFIX}${reply.error}` : undefined;
  const parts = await finishClaim(s.db, claim, { ...reply, error, status: repeatFallback ? 'suppressed' : 'queued' });
  // Presumed dead and taken over by a redelivery while composing: the new owner answers, not us.
  if (parts === 'lost') return 'taken_over';
  // Nothing left to send: the fallback again, or the customer deleted the message meanwhile.
  if (repeatFallback || parts.length === 0) return 'suppressed';
  return await deliver(s, { ...job, messageIds: parts.map((p) => p.id) }, parts);
}

const isPaused = (until: Date | null | undefined) => until !== null && until !== undefined && until.getTime() > Date.now();
