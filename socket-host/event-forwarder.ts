/**
 * Turns what a socket emits into outbox events: messages (minus our own echoes and the kinds not
 * forwarded), delivery statuses (only failures unless WA_STATUS_EVENTS=all) and the LID ↔ phone
 * pairs WhatsApp announces.
 */
import { isHostedLidUser, isLidUser, type BaileysEventMap } from '@whiskeysockets/baileys';
import { observedAt } from './observed-at.ts';
import { contactMappingEvent, messageEvent, normalizeMessage, normalizeStatusUpdate, phoneOf, statusEvent, type MessageKind } from './normalize.ts';
import type { Outbox } from './outbox.ts';
import type { SentMessages } from './sent-messages.ts';

export type ForwarderDeps = {
  outbox: Outbox;
  sent: SentMessages;
  statusEvents: 'failed' | 'all';
  forwardKinds: ReadonlySet<MessageKind>;
  /**
   * The phone JID of a LID from Baileys' mapping store (the connected socket's; null when it has none),
   * for a message that names its customer by LID alone: the event then carries both.
   */
  phoneJidOfLid?: (lid: string) => Promise<string | null>;
};

export function createEventForwarder(sessionId: string, deps: ForwarderDeps, stopping: () => boolean) {
  return {
    async upsert({ messages, type }: BaileysEventMap['messages.upsert']): Promise<void> {
      for (const msg of messages) {
        // Taken before any await, so concurrent upserts keep the order Baileys emitted them in.
        const at = observedAt();
        const n = normalizeMessage(msg, type, Math.floor(Date.now() / 1000));
        if (!n || !deps.forwardKinds.has(n.kind)) continue;
        // Our own /send comes back as a fromMe upsert: it is not the team taking over.
        if (n.fromMe && (await retrying(() => deps.sent.isOurs(sessionId, n.waMessageId), stopping))) continue;
        if (n.kind === 'direct' && n.phone === null && (isLidUser(n.chatJid) || isHostedLidUser(n.chatJid)) && deps.phoneJidOfLid) {
          // A store miss or failure only leaves the phone unknown, as Baileys' event did.
          n.phone = phoneOf((await deps.phoneJidOfLid(n.chatJid).catch(() => null)) ?? undefined);
        }
        await deps.outbox.enqueue(messageEvent(sessionId, n, at));
      }
    },

    async statuses(updates: BaileysEventMap['messages.update']): Promise<void> {
      for (const u of updates) {
        const s = normalizeStatusUpdate(u);
        if (!s || (deps.statusEvents === 'failed' && s.status !== 'failed')) continue;
        await deps.outbox.enqueue(statusEvent(sessionId, s, new Date()));
      }
    },

    /** A customer's LID and phone number paired: the functions keep them one conversation. */
    async mapping(mapping: BaileysEventMap['lid-mapping.update']): Promise<void> {
      if (!deps.forwardKinds.has('direct')) return;
      const event = contactMappingEvent(sessionId, mapping, new Date());
      if (event) await deps.outbox.enqueue(event);
    },
  };
}

/** Retries a database read or write until it works: an event must not be dropped for a blip. */
export async function retrying<T>(fn: () => Promise<T>, stopped: () => boolean): Promise<T> {
  let delay = 500;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (stopped()) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(30_000, delay * 2);
    }
  }
}
