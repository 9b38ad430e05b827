import { and, desc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { modelContent } from './content-note.ts';

/** A model turn; `images` are the stored photos of the turn the model is answering, when it sees images. */
export type Turn = { role: 'user' | 'assistant'; content: string; images?: { key: string; mediaType: string }[] };

/**
 * A conversation's pause (and the message whose handoff set it), its summary, its latest inbound
 * message and its recent history (after what the summary covers): the burst rule needs the
 * latest (is the trigger still the newest?), the model the history. Queries, so that the caller can
 * run them in one round trip with its own.
 */
export function conversationStateQueries(db: Db, conversationId: string | SQL<string>, historyLimit: number) {
  return [
    db
      .select({
        pausedUntil: conversations.pausedUntil,
        handoffMessageId: conversations.handoffMessageId,
        summary: conversations.summary,
        summaryUntil: conversations.summaryUntil,
      })
      .from(conversations)
      .where(eq(conversations.id, conversationId)),
    db
      .select({ id: messages.id })
      .from(messages)
      // A message the customer deleted is no longer theirs to be answered.
      .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in'), isNull(messages.deletedAt)))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(1),
    db
      .select({
        id: messages.id,
        direction: messages.direction,
        author: messages.author,
        text: messages.text,
        type: messages.type,
        media: messages.media,
        transcript: messages.transcript,
        location: messages.location,
        contacts: messages.contacts,
        deletedAt: messages.deletedAt,
        status: messages.status,
        replyTo: messages.replyTo,
        createdAt: messages.createdAt,
      })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          gt(messages.createdAt, sql`now() - interval '30 days'`),
          // What the conversation's summary covers is sent as the summary (agent/summary.ts), not again.
          gt(
            messages.createdAt,
            sql`coalesce((select ${conversations.summaryUntil} from ${conversations} where ${conversations.id} = ${conversationId}), '-infinity')`,
          ),
        ),
      )
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(historyLimit),
  ] as const;
}

export type ConversationSummary = { summary: string | null; summaryUntil: Date | null };
type StateResults = [({ pausedUntil: Date | null; handoffMessageId: string | null } & ConversationSummary)[], { id: string }[], RecentMessage[]];
export type RecentMessage = ModelMessage & {
  id: string;
  author: 'customer' | 'agent' | 'human' | 'api';
  status: string;
  replyTo: string | null;
  createdAt: Date;
};

export function readConversationState([conversation, latestIn, recent]: StateResults) {
  return {
    pausedUntil: conversation[0]?.pausedUntil,
    handoffMessageId: conversation[0]?.handoffMessageId ?? null,
    summary: conversation[0]?.summary ?? null,
    latestInboundId: latestIn[0]?.id,
    recent: [...recent].reverse(),
  };
}

/** What the model needs of a stored message. */
export type ModelMessage = Pick<typeof messages.$inferSelect, 'direction' | 'text' | 'status'> &
  Partial<Pick<typeof messages.$inferSelect, 'type' | 'media' | 'location' | 'contacts' | 'deletedAt' | 'transcript'>>;

/**
 * Turns stored messages into model turns: customer messages are the user's, everything we or the team
 * sent is the assistant's; consecutive turns of one role are joined (several providers require
 * alternating roles, and a burst of three messages reads best as one). What the model cannot read (a
 * voice note, a photo…) reaches it as a short bracketed note (see contentNote), so that it can say so.
 * A message the customer deleted is left out. With `seesImages`, the customer's stored photos of the
 * last turn (the one being answered) are listed in its `images`; earlier ones were answered already.
 */
export function toTurns(recent: ModelMessage[], options: { seesImages?: boolean } = {}): Turn[] {
  const turns: Turn[] = [];
  for (const m of recent) {
    if (m.status === 'generating' || m.status === 'suppressed' || m.deletedAt) continue;
    const content = modelContent(m, options);
    if (!content) continue;
    const role = m.direction === 'in' ? 'user' : 'assistant';
    let last = turns.at(-1);
    if (last?.role === role) last.content += `\n${content}`;
    else turns.push((last = { role, content }));
    const image = options.seesImages && role === 'user' && m.type === 'image' && m.media?.stored;
    if (image) (last.images ??= []).push({ key: image.key, mediaType: m.media!.mimeType ?? 'image/jpeg' });
  }
  while (turns[0]?.role === 'assistant') turns.shift();
  for (const turn of turns.slice(0, -1)) delete turn.images;
  return turns;
}
