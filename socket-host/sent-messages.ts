/**
 * wa_sent_messages: the socket-host's sends. It is the send queue's durable half (what /send accepted,
 * in order, until sent or failed), makes /send idempotent, tells our own echoes apart from messages
 * the team typed on the phone, and serves Baileys' getMessage for recipients' retry requests.
 */
import { BufferJSON, proto, type WAMessageKey } from '@whiskeysockets/baileys';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { waSentMessages } from '../drizzle/schema.ts';
import type { OutboundMediaRef } from '../shared/contracts/send-request.ts';
import type { Db } from '../shared/db.ts';
import { writeBehindFor } from './write-behind.ts';

export type SentRow = { state: string; createdAt: Date };
export type AcceptedRow = { state: string; seq: number; error: string | null; createdAt: Date; inserted: boolean };
export type QueuedRow = { waMessageId: string; remoteJid: string; text: string; typing: boolean; media?: OutboundMediaRef; seq: number };

/** Recently accepted ids: our own echo arrives a moment after the send, so memory answers it. */
const RECENT_LIMIT = 2000;

export function createSentMessages(db: Db) {
  const writes = writeBehindFor(db);
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
     * Records a send request as 'queued' with what to send, or returns the row already there as it is
     * ('sent' and 'failed' are final). One round trip. A row left 'sending' by an older version gets
     * the text and joins the queue, so it is sent under the same id.
     */
    async accept(
      sessionId: string,
      req: { waMessageId: string; remoteJid: string; text: string; typing: boolean; media?: OutboundMediaRef },
    ): Promise<AcceptedRow> {
      const t = waSentMessages;
      // With the bookkeeping waiting to be written (outbox deletes, marks), in the same round trip.
      const [row] = await writes.now(
        db
          .insert(t)
          .values({ sessionId, waMessageId: req.waMessageId, remoteJid: req.remoteJid, text: req.text, typing: req.typing, media: req.media ?? null })
          .onConflictDoUpdate({
            target: [t.sessionId, t.waMessageId],
            set: {
              state: sql`case when ${t.state} = 'sending' then 'queued' else ${t.state} end`,
              text: sql`coalesce(${t.text}, excluded.text)`,
            },
          })
          // xmax is 0 only for a row this statement inserted: tells a first request from a repeat.
          .returning({ state: t.state, seq: t.seq, error: t.error, createdAt: t.createdAt, inserted: sql<boolean>`(xmax = 0)` }),
      );
      remember(`${sessionId}:${req.waMessageId}`);
      return row!;
    },

    /** A session's queued sends in the order they were accepted (a restarted host resumes them). */
    async queued(sessionId: string): Promise<QueuedRow[]> {
      const t = waSentMessages;
      const rows = await db
        .select({ waMessageId: t.waMessageId, remoteJid: t.remoteJid, text: t.text, typing: t.typing, media: t.media, seq: t.seq })
        .from(t)
        .where(and(eq(t.sessionId, sessionId), eq(t.state, 'queued'), isNotNull(t.text)))
        .orderBy(asc(t.seq));
      for (const row of rows) remember(`${sessionId}:${row.waMessageId}`);
      return rows.map(({ media, ...r }) => ({ ...r, text: r.text!, ...(media ? { media } : {}) }));
    },

    /**
     * Written at once, never behind (a host killed before the mark lands sends the id again when it
     * restarts), with the bookkeeping waiting to be written in the same round trip.
     */
    async markSent(sessionId: string, waMessageId: string, message: proto.IMessage | null | undefined): Promise<void> {
      await writes.now(
        db
          .update(waSentMessages)
          .set({ state: 'sent', message: message ? JSON.stringify(message, BufferJSON.replacer) : null })
          .where(byId(sessionId, waMessageId)),
      );
    },

    async markFailed(sessionId: string, waMessageId: string, error: string): Promise<void> {
      await writes.now(db.update(waSentMessages).set({ state: 'failed', error }).where(byId(sessionId, waMessageId)));
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
