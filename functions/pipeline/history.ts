import { and, desc, eq, gt, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

export type Turn = { role: 'user' | 'assistant'; content: string };

/**
 * A conversation's pause, its latest inbound message and its recent history: the burst rule needs the
 * latest (is the trigger still the newest?), the model the history. Queries, so that the caller can
 * run them in one round trip with its own.
 */
export function conversationStateQueries(db: Db, conversationId: string, historyLimit: number) {
  return [
    db.select({ pausedUntil: conversations.pausedUntil }).from(conversations).where(eq(conversations.id, conversationId)),
    db
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in')))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(1),
    db
      .select({
        direction: messages.direction,
        author: messages.author,
        text: messages.text,
        status: messages.status,
        replyTo: messages.replyTo,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), gt(messages.createdAt, sql`now() - interval '30 days'`)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(historyLimit),
  ] as const;
}

type StateResults = [{ pausedUntil: Date | null }[], { id: string }[], RecentMessage[]];
export type RecentMessage = {
  direction: 'in' | 'out';
  author: 'customer' | 'agent' | 'human' | 'api';
  text: string;
  status: string;
  replyTo: string | null;
  createdAt: Date;
};

export function readConversationState([conversation, latestIn, recent]: StateResults) {
  return { pausedUntil: conversation[0]?.pausedUntil, latestInboundId: latestIn[0]?.id, recent: [...recent].reverse() };
}

/**
 * Turns stored messages into model turns: customer messages are the user's, everything we or the team
 * sent is the assistant's; consecutive turns of one role are joined (several providers require
 * alternating roles, and a burst of three messages reads best as one).
 */
export function toTurns(recent: { direction: 'in' | 'out'; text: string; status: string }[]): Turn[] {
  const turns: Turn[] = [];
  for (const m of recent) {
    if (!m.text || m.status === 'generating' || m.status === 'suppressed') continue;
    const role = m.direction === 'in' ? 'user' : 'assistant';
    const last = turns.at(-1);
    if (last?.role === role) last.content += `\n${m.text}`;
    else turns.push({ role, content: m.text });
  }
  while (turns[0]?.role === 'assistant') turns.shift();
  return turns;
}
