/**
 * wa_sent_messages: what this host sent. It makes /send idempotent, tells our own echoes apart from
 * messages the team typed on the phone, and serves Baileys' getMessage for recipients' retry requests.
 */
import { BufferJSON, proto, type WAMessageKey } from '@whiskeysockets/baileys';
import { and, eq } from 'drizzle-orm';
import { waSentMessages } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';

export type SentRow = { state: string; createdAt: Date };

/** Recently reserved ids: our own echo arrives a moment after the send, so memory answers it. */
const RECENT_LIMIT = 2000;

export function createSentMessages(db: Db) {
  const recent = new Set<string>();
  const remember = (key: string) => {
    recent.add(key);
    if (recent.size > RECENT_LIMIT) recent.delete(recent.values().next().value!);
  };
  const byId = (sessionId: string, waMessageId: string) =>
    and(eq(waSentMessages.sessionId, sessionId), eq(waSentMessages.waMessageId, waMessageId));

  return {
    async find(sessionId: string, waMessageId: string): Promise<SentRow | undefined> {
      const [row] = await db
        .select({ state: waSentMessages.state, createdAt: waSentMessages.createdAt })
        .from(waSentMessages)
        .where(byId(sessionId, waMessageId));
      return row;
    },

    /**
     * Records the id before sending (state 'sending'), so its echo is recognised as ours at once, and
     * returns the row as stored: 'sent' means an earlier request already sent it. One round trip.
     */
    async reserve(sessionId: string, waMessageId: string, remoteJid: string): Promise<SentRow> {
      const [row] = await db
        .insert(waSentMessages)
        .values({ sessionId, waMessageId, remoteJid })
        // A no-op update, so that an existing row is returned as it is.
        .onConflictDoUpdate({ target: [waSentMessages.sessionId, waSentMessages.waMessageId], set: { sessionId } })
        .returning({ state: waSentMessages.state, createdAt: waSentMessages.createdAt });
      remember(`${sessionId}:${waMessageId}`);
      return row!;
    },

    async markSent(sessionId: string, waMessageId: string, message: proto.IMessage | null | undefined): Promise<void> {
      await db
        .update(waSentMessages)
        .set({ state: 'sent', message: message ? JSON.stringify(message, BufferJSON.replacer) : null })
        .where(byId(sessionId, waMessageId));
    },

    /** Memory first (saves a round trip per reply); the table for older ids and other processes. */
    async isOurs(sessionId: string, waMessageId: string): Promise<boolean> {
      if (recent.has(`${sessionId}:${waMessageId}`)) return true;
      return (await this.find(sessionId, waMessageId)) !== undefined;
    },

    /** Baileys' getMessage: the proto we sent, or undefined (never a placeholder, which would be re-sent). */
    async getMessage(sessionId: string, key: WAMessageKey): Promise<proto.IMessage | undefined> {
      if (!key.id) return undefined;
      const [row] = await db.select({ message: waSentMessages.message }).from(waSentMessages).where(byId(sessionId, key.id));
      if (!row?.message) return undefined;
      return proto.Message.fromObject(JSON.parse(row.message, BufferJSON.reviver) as Record<string, unknown>);
    },
  };
}

export type SentMessages = ReturnType<typeof createSentMessages>;
