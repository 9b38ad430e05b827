import { and, eq, sql } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { MessageStatusEvent } from '../../shared/contracts/wa-event.ts';
import type { Services } from '../services.ts';
import { toPublicMessage } from '../v1/views.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';

/** Statuses only move forward (a late 'delivered' never overwrites 'read'); 'failed' always lands. */
const RANK: Record<string, number> = { pending: 1, queued: 1, sent: 2, delivered: 3, read: 4, played: 5 };
const SENT = RANK.sent!;

/**
 * A status change of a message we sent. The socket-host reports `sent` or `failed` this way for
 * sends that finished after its `/send` had answered `queued`; WA_STATUS_EVENTS=all adds WhatsApp's
 * own delivered/read. A message leaving `queued` fires `message.sent`, exactly as when `/send`
 * answered `sent` at once (same webhook key, so the two paths never fire it twice).
 */
export async function handleStatus(s: Services, event: MessageStatusEvent): Promise<'updated' | 'unchanged'> {
  const rank = RANK[event.status] ?? 0;
  const before = s.db
    .select({ id: messages.id, status: messages.status })
    .from(messages)
    .where(and(eq(messages.sessionId, event.sessionId), eq(messages.waMessageId, event.waMessageId)))
    .as('before');
  const rows = await s.db
    .update(messages)
    .set({ status: event.status, error: event.error, updatedAt: sql`now()` })
    .from(before)
    .where(
      and(
        eq(messages.id, before.id),
        // The row's current status (re-read under the row lock), not the snapshot in `before`.
        event.status === 'failed' ? sql`true` : sql`coalesce((${sql.raw(rankCase('messages'))}), 0) < ${rank}`,
      ),
    )
    .returning({
      id: messages.id,
      conversationId: messages.conversationId,
      direction: messages.direction,
      author: messages.author,
      text: messages.text,
      status: messages.status,
      createdAt: messages.createdAt,
      previous: sql<string>`"before"."status"`,
    });
  for (const row of rows) {
    if (event.status !== 'failed' && rank >= SENT && (RANK[row.previous] ?? 0) < SENT) {
      s.usage.add('messages.sent');
      await emitWebhookEvent(
        s,
        'message.sent',
        { sessionId: event.sessionId, conversationId: row.conversationId, to: event.chatJid, message: toPublicMessage({ ...row, status: 'sent' }) },
        { key: row.id },
      );
      // The socket-host's own `sent` report is that event; WhatsApp's later statuses are news of their own.
      if (event.status === 'sent') continue;
    }
    await emitWebhookEvent(
      s,
      'message.status',
      {
        sessionId: event.sessionId,
        conversationId: row.conversationId,
        messageId: row.id,
        waMessageId: event.waMessageId,
        status: event.status,
        error: event.error,
      },
      { key: `${event.waMessageId}:${event.status}` },
    );
  }
  return rows.length ? 'updated' : 'unchanged';
}

function rankCase(table: string): string {
  const whens = Object.entries(RANK).map(([status, r]) => `when '${status}' then ${r}`).join(' ');
  return `case "${table}"."status" ${whens} end`;
}
