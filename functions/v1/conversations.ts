import { and, desc, eq, isNotNull, isNull, lte, notInArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import { loadSettings } from '../agent/settings.ts';
import { setPause } from '../conversations/pause.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';
import { after, encodeCursor, microsOf, type Cursor } from './cursor.ts';
import { toPublicConversation, toPublicMessage } from './views.ts';

export type Page = { limit: number; cursor?: Cursor };

const conversationColumns = {
  id: conversations.id,
  sessionId: conversations.sessionId,
  contactJid: conversations.contactJid,
  phone: conversations.phone,
  name: conversations.name,
  pausedUntil: conversations.pausedUntil,
  needsHumanSince: conversations.needsHumanSince,
  lastMessageAt: conversations.lastMessageAt,
  createdAt: conversations.createdAt,
};

/** One conversation as the list shows it; undefined when it does not exist. */
export async function getConversation(s: Services, id: string) {
  const [row] = await s.db.select(conversationColumns).from(conversations).where(eq(conversations.id, id));
  return row ? toPublicConversation(row) : undefined;
}

/** Conversations, the most recently active first, filtered and searched as asked. */
export async function listConversations(s: Services, page: Page & { sessionId?: string; needsHuman?: boolean; paused?: boolean; search?: string }) {
  const rows = await s.db
    .select({ ...conversationColumns, micros: microsOf(conversations.lastMessageAt) })
    .from(conversations)
    .where(
      and(
        page.sessionId ? eq(conversations.sessionId, page.sessionId) : undefined,
        page.needsHuman === undefined ? undefined : page.needsHuman ? isNotNull(conversations.needsHumanSince) : isNull(conversations.needsHumanSince),
        page.paused === undefined ? undefined : page.paused ? sql`${conversations.pausedUntil} > now()` : or(isNull(conversations.pausedUntil), lte(conversations.pausedUntil, sql`now()`)),
        page.search ? searchCondition(page.search) : undefined,
        page.cursor ? after(conversations.lastMessageAt, conversations.id, page.cursor) : undefined,
      ),
    )
    .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
    .limit(page.limit + 1);
  return paginate(rows, page.limit, (r) => toPublicConversation(r));
}

/**
 * A search reads each conversation's newest messages only, through messages_conversation_recent, so
 * its cost grows with the number of conversations, never with how long one has run.
 */
export const SEARCH_MESSAGES_PER_CONVERSATION = 200;

/**
 * Name, phone digits or message text, case- and accent-insensitive (unaccent + ILIKE, the extension the
 * knowledge base installs). The typed text is a literal: LIKE's wildcards in it are escaped.
 */
function searchCondition(search: string): SQL {
  const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  // A phone as people write one ("+55 (11) 9…", "5511…"); words with digits in them ("pedido 123") are not.
  const digits = /^[\d\s+().-]+$/.test(search) ? search.replace(/\D/g, '') : '';
  const recentText = sql`exists (
    select 1 from (
      select m.text from ${messages} m
      where m.conversation_id = ${conversations.id}
      order by m.created_at desc, m.id desc
      limit ${SEARCH_MESSAGES_PER_CONVERSATION}
    ) recent
    where unaccent(recent.text) ilike unaccent(${pattern})
  )`;
  return or(
    sql`unaccent(coalesce(${conversations.name}, '')) ilike unaccent(${pattern})`,
    // "+55 11 9…" and "5511…" find the same number; fewer than 3 digits would match nearly every phone.
    digits.length >= 3 ? sql`${conversations.phone} like ${`%${digits}%`}` : undefined,
    recentText,
  )!;
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

/**
 * Human takeover: the agent stays silent in this conversation for `minutes` (default: the
 * humanPauseMinutes of the profile its number answers with).
 */
export async function pauseConversation(s: Services, conversationId: string, minutes?: number) {
  const pauseMinutes = minutes ?? (await pauseMinutesOf(s, conversationId));
  if (pauseMinutes === undefined) return undefined;
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

/** The agent answers again; a handoff's "needs a human" flag is lifted with the pause. */
export async function resumeConversation(s: Services, conversationId: string) {
  const row = await setPause(s.db, conversationId, null, { clearNeedsHuman: true });
  if (!row) return undefined;
  await emitWebhookEvent(s, 'conversation.resumed', { conversationId, by: 'api' });
  return toPublicConversation(row);
}

/** The takeover time of the profile the conversation's number answers with; undefined without the conversation. */
async function pauseMinutesOf(s: Services, conversationId: string): Promise<number | undefined> {
  const [row] = await s.db.select({ sessionId: conversations.sessionId }).from(conversations).where(eq(conversations.id, conversationId));
  return row ? (await loadSettings(s.db, row.sessionId)).humanPauseMinutes : undefined;
}
