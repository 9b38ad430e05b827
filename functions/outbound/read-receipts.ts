import { and, desc, eq, inArray, isNull, max } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { loadSettings } from '../agent/settings.ts';
import type { Services } from '../services.ts';
import { socketHostCommand } from './socket-host-client.ts';

/** A message's key as Baileys knows it: the chat, the id, and whether this number sent it. */
export type BaileysKey = { remoteJid: string; id: string; fromMe: boolean };

/** Read receipts go out for at most this many messages at once (WhatsApp batches them per chat). */
export const MAX_RECEIPTS = 100;

/** Statuses of an outbound message the customer has seen arrive: an answer they got. */
const ANSWERED = ['sent', 'delivered', 'read', 'played'];

/**
 * The keys of what the customer said since the conversation was last answered (what WhatsApp shows
 * them as unread on our side), else of their latest message; oldest first. A reply still queued is
 * not an answer yet, so the agent's own reply being delivered does not hide what it answers.
 */
export async function unreadKeys(db: Db, conversation: { id: string; contactJid: string }): Promise<BaileysKey[]> {
  const [[answered], latest] = await db.batch([
    db
      .select({ at: max(messages.createdAt) })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'out'), inArray(messages.status, ANSWERED))),
    db
      .select({ waMessageId: messages.waMessageId, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'in'), isNull(messages.deletedAt)))
      .orderBy(desc(messages.createdAt))
      .limit(MAX_RECEIPTS),
  ]);
  const since = answered?.at ? latest.filter((m) => m.createdAt > answered.at!) : latest;
  const chosen = since.length > 0 ? since : latest.slice(0, 1);
  return chosen.reverse().map((m) => ({ remoteJid: conversation.contactJid, id: m.waMessageId, fromMe: false }));
}

/** Sends the read receipts for these keys through the socket-host that holds the number. */
export async function sendReadReceipts(s: Services, sessionId: string, keys: BaileysKey[]): Promise<number> {
  if (keys.length === 0) return 0;
  const { read } = await socketHostCommand<{ read: number }>(s, `/sessions/${encodeURIComponent(sessionId)}/read`, { keys });
  return read;
}

/**
 * The agent's `markReadOnReply`: as its reply goes out, what it answers is marked read, as a person
 * reading before typing would. Cosmetic, so it never holds or fails the reply: errors are only logged.
 */
export async function markReadOnReply(s: Services, reply: { sessionId: string; conversationId: string; to: string }): Promise<void> {
  try {
    if (!(await loadSettings(s.db, reply.sessionId)).markReadOnReply) return;
    await sendReadReceipts(s, reply.sessionId, await unreadKeys(s.db, { id: reply.conversationId, contactJid: reply.to }));
  } catch (err) {
    s.log.warn({ sessionId: reply.sessionId, err: err instanceof Error ? err.message : String(err) }, 'read receipts on reply not sent');
  }
}
