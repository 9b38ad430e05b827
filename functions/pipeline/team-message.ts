import type { MessageFromTeam } from '../../shared/contracts/wa-event.ts';
import { loadSettings } from '../agent/settings.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import { keepMedia } from '../media/keep-media.ts';
import { applyChangeAndNotify, isChange } from './message-change.ts';
import { storeMessage } from './store-message.ts';

/**
 * The team answered from the phone: store it as a human message and pause the agent in that
 * conversation (human takeover) for the configured time; the API can lift the pause earlier.
 */
export async function handleTeamMessage(s: Services, event: MessageFromTeam): Promise<'paused' | 'updated' | 'target_pending' | 'ignored'> {
  if (event.kind !== 'direct') return 'ignored';
  // The team reacting to, editing or deleting a message on the phone changes it; it is not a takeover.
  if (isChange(event)) return await applyChangeAndNotify(s, event);
  const settings = await loadSettings(s.db, event.sessionId);
  const { conversation, message } = await storeMessage(s.db, event, settings.humanPauseMinutes);
  // A photo or a document the team sent from the phone is kept too, for the Inbox.
  await keepMedia(s, message);
  const until = conversation.pausedUntil;
  if (!until || until.getTime() <= Date.now()) return 'ignored';
  await emitWebhookEvent(
    s,
    'conversation.paused',
    { conversationId: conversation.id, pausedUntil: until.toISOString(), by: 'team' },
    { key: `team:${event.waMessageId}` },
  );
  return 'paused';
}
