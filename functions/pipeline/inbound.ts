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
import { applyChange, isChange } from './message-change.ts';
import { claimQueries, finishClaim, readClaim, releaseClaim } from './reply-claim.ts';
import { storeMessage, type StoredMessage } from './store-message.ts';

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
 */
export async function handleInbound(s: Services, event: MessageReceived): Promise<InboundOutcome> {
  const settings = await loadSettings(s.db);
  const wanted = event.kind === 'direct' || (event.kind === 'group' && settings.replyToGroups);
  if (!wanted) return 'ignored';
  // A reaction, an edit or a delete changes an earlier message: no row of its own, no reply. Its
  // target may not be stored yet (the queue delivers a message and its delete side by side).
  if (isChange(event)) return (await applyChange(s.db, event)) === 'updated' ? 'updated' : 'target_pending';

  const stored = await storeMessage(s.db, event, settings.humanPauseMinutes);
  const { conversation, duplicate } = stored;
  if (!duplicate) s.usage.add('messages.received');
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
  if (isPaused(conversation.pausedUntil)) return 'paused';

  // Counted from when the socket-host saw the message; never longer than the window (clock skew).
  const waitLeft = Math.min(settings.burstWindowMs, message.createdAt.getTime() + settings.burstWindowMs - Date.now());
  if (waitLeft > 0) await sleep(waitLeft);
  // One round trip reads the conversation and claims the reply; a claim that is not ours is given back.
  const [paused, latest, recent, inserted, existing] = await s.db.batch([
    ...conversationStateQueries(s.db, conversation.id, settings.historyLimit),
    ...claimQueries(s.db, message),
  ]);
  const state = readConversationState([paused, latest, recent]);
  const claim = await readClaim(s.db, [inserted, existing]);
  const notOurs = state.latestInboundId !== message.id ? 'superseded' : isPaused(state.pausedUntil) ? 'paused' : undefined;
  if (notOurs) {
    if (claim.kind === 'generate') await releaseClaim(s.db, claim.claim);
    return notOurs;
  }
  if (claim.kind === 'busy') return 'busy';
  if (claim.kind === 'done') return 'already_replied';
  const job = { sessionId: event.sessionId, to: event.chatJid };
  if (claim.kind === 'deliver') return await deliver(s, { ...job, messageIds: claim.parts.map((p) => p.id) }, claim.parts);

  try {
    return await answer(s, settings, state.recent, conversation.id, claim.claim, job);
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
  recent: RecentMessage[],
  conversationId: string,
  claim: StoredMessage,
  job: { sessionId: string; to: string },
): Promise<InboundOutcome> {
  const limit = await contactLimiter(s.redis, s.config.CONTACT_REPLIES_PER_HOUR).limit(conversationId);
  if (!limit.success) {
    const finished = await finishClaim(s.db, claim, { parts: [''], status: 'suppressed', error: 'contact reply limit reached' });
    return finished === 'lost' ? 'taken_over' : 'rate_limited';
  }
  const reply = await composeReply(s, settings, recent);
  // The fallback goes out once: not again while it is still the last thing the agent said.
  const lastAgent = recent.findLast((m) => m.author === 'agent' && m.status !== 'suppressed' && m.text);
  const repeatFallback = reply.source === 'fallback' && lastAgent?.text === settings.fallbackText;
  const parts = await finishClaim(s.db, claim, { ...reply, status: repeatFallback ? 'suppressed' : 'queued' });
  // Presumed dead and taken over by a redelivery while composing: the new owner answers, not us.
  if (parts === 'lost') return 'taken_over';
  // Nothing left to send: the fallback again, or the customer deleted the message meanwhile.
  if (repeatFallback || parts.length === 0) return 'suppressed';
  return await deliver(s, { ...job, messageIds: parts.map((p) => p.id) }, parts);
}

const isPaused = (until: Date | null | undefined) => until !== null && until !== undefined && until.getTime() > Date.now();
