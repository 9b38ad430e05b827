import { eq } from 'drizzle-orm';
import { conversations } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

/**
 * Human takeover on (until a time) or off (null). Returns the conversation, or undefined if unknown.
 * `clearNeedsHuman`: the team took the handed-off conversation back to the agent (POST …/resume).
 */
export async function setPause(db: Db, conversationId: string, until: Date | null, options: { clearNeedsHuman?: boolean } = {}) {
  const [row] = await db
    .update(conversations)
    .set({ pausedUntil: until, ...(options.clearNeedsHuman ? { needsHumanSince: null } : {}) })
    .where(eq(conversations.id, conversationId))
    .returning();
  return row;
}
