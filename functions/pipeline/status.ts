import { and, eq, sql } from 'drizzle-orm';
import { messages } from '../../drizzle/schema.ts';
import type { MessageStatusEvent } from '../../shared/contracts/wa-event.ts';
import type { Services } from '../services.ts';
import { emitWebhookEvent } from '../webhooks/emit.ts';

/** Statuses only move forward (a late 'delivered' never overwrites 'read'); 'failed' always lands. */
const RANK: Record<string, number> = { pending: 1, queued: 1, sent: 2, delivered: 3, read: 4, played: 5 };

export async function handleStatus(s: Services, event: MessageStatusEvent): Promise<'updated' | 'unchanged'> {
  const rank = RANK[event.status] ?? 0;
  const rows = await s.db
    .update(messages)
    .set({ status: event.status, error: event.error, updatedAt: sql`now()` })
    .where(
      and(
        eq(messages.sessionId, event.sessionId),
        eq(messages.waMessageId, event.waMessageId),
        event.status === 'failed'
          ? sql`true`
          : sql`coalesce((${sql.raw(rankCase())}), 0) < ${rank}`,
      ),
    )
    .returning({ id: messages.id, conversationId: messages.conversationId });
  for (const row of rows) {
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

function rankCase(): string {
  const whens = Object.entries(RANK).map(([status, r]) => `when '${status}' then ${r}`).join(' ');
  return `case "messages"."status" ${whens} end`;
}
