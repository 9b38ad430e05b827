import { and, desc, eq, notInArray, ne, or } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import { loadSettings } from '../agent/settings.ts';
import { setPause } from '../conversations/pause.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import { after, encodeCursor, microsOf, type Cursor } from './cursor.ts';
import { toPublicConversation, toPublicMessage } from './views.ts';

export type Page = { limit: number; cursor?: Cursor };

/** Conversations, the most recently active first. */
export async function listConversations(s: Services, page: Page & { sessionId?: string }) {
  const rows = await s.db
    .select({
      id: conversations.id,
      sessionId: conversations.sessionId,
      contactJid: conversations.contactJid,
      phone: conversations.phone,
      name: conversations.name,
      pausedUntil: conversations.pausedUntil,
      lastMessageAt: conversations.lastMessageAt,
      createdAt: conversations.createdAt,
      micros: microsOf(conversations.lastMessageAt),
    })
    .from(conversations)
    .where(
      and(
        page.sessionId ? eq(conversations.sessionId, page.sessionId) : undefined,
        page.cursor ? after(conversations.lastMessageAt, conversations.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit, (r) => toPublicConversation(r));
}

/** Work in progress ('generating') and replies held back ('suppressed') never reached the customer. */
const HIDDEN_STATUSES = ['generating', 'suppressed'];

/** A conversation's messages, newest first; undefined when the conversation does not exist. */
export async function listConversationMessages(s: Services, conversationId: string, page: Page) {
  const [found, rows] = await s.db.batch([
    s.db.select({ id: conversations.id }).from(conversations).where(eq(conversations.id, conversationId)),
    s.db
      .select({
        id: messages.id,
        conversationId: messages.conversationId,
        direction: messages.direction,
        author: messages.author,
        text: messages.text,
        type: messages.type,
        media: messages.media,
        transcript: messages.transcript,
        location: messages.location,
        contacts: messages.contacts,
        reactions: messages.reactions,
        deletedAt: messages.deletedAt,
        editedAt: messages.editedAt,
        status: messages.status,
        createdAt: messages.createdAt,
        micros: microsOf(messages.createdAt),
      })
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, conversationId),
          notInArray(messages.status, HIDDEN_STATUSES),
          // An empty text is a claim never filled; a photo without a caption is still a message.
          or(ne(messages.text, ''), ne(messages.type, 'text')),
          page.cursor ? after(messages.createdAt, messages.id, page.cursor) : undefined,
        ),
      )
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(page.limit + 1),
  ]);
  if (!found[0]) return undefined;
  return paginate(rows, page.limit, toPublicMessage);
}

function paginate<R extends { id: string; micros: string }, T>(rows: R[], limit: number, view: (row: R) => T) {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  return {
    data: pageRows.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor({ micros: last.micros, id: last.id }) : null,
  };
}

/** Human takeover: the agent stays silent in this conversation for `minutes` (default from the settings). */
export async function pauseConversation(s: Services, conversationId: string, minutes?: number) {
  const pauseMinutes = minutes ?? (await loadSettings(s.db)).humanPauseMinutes;
  const until = new Date(Date.now() + pauseMinutes * 60_000);
  const row = await setPause(s.db, conversationId, until);
  if (!row) return undefined;
  await emitWebhookEvent(
    s,
    'conversation.paused',
    { conversationId, pausedUntil: until.toISOString(), by: 'api' },
    { key: `conversation.paused:${conversationId}:${until.getTime()}` },
  );
  return toPublicConversation(row);
}

export async function resumeConversation(s: Services, conversationId: string) {
  const row = await setPause(s.db, conversationId, null);
  if (!row) return undefined;
  await emitWebhookEvent(s, 'conversation.resumed', { conversationId, by: 'api' });
  return toPublicConversation(row);
}
