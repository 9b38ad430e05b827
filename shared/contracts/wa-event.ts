import { z } from 'zod';

/**
 * The small, versioned event the socket-host sends the functions for everything that happens on a
 * linked number. Baileys' own shapes stay inside the socket-host; this is the only thing that crosses.
 * `id` is the queue's deduplication id: the same WhatsApp message always yields the same id.
 */
const base = {
  v: z.literal(1),
  id: z.string().min(1).max(200),
  sessionId: z.string().min(1).max(64),
  /** When the socket-host saw it (ISO 8601). */
  at: z.iso.datetime(),
};

/**
 * What a customer (or the team) typed, as the functions store it. PostgreSQL text cannot hold U+0000:
 * the socket-host removes it, and decoding removes it again from events an older socket-host queued.
 */
const typed = (max: number) => z.string().max(max).transform((s) => s.replaceAll('\u0000', ''));

const chat = {
  waMessageId: z.string().min(1).max(128),
  /** The customer's chat: their LID (`…@lid`) when WhatsApp gives one, else their phone JID. */
  chatJid: z.string().min(1).max(128),
  /** Digits of the customer's phone number, when known. */
  phone: z.string().regex(/^\d{5,20}$/).nullable(),
};

export const messageReceived = z.object({
  ...base,
  type: z.literal('message.received'),
  ...chat,
  pushName: typed(256).nullable().transform((name) => name || null),
  text: typed(65_536),
  /** Seconds since epoch, from WhatsApp. */
  timestamp: z.number().int().nonnegative(),
  kind: z.enum(['direct', 'group', 'status', 'broadcast', 'newsletter']),
  /** In a group: who wrote it. */
  participantJid: z.string().max(128).nullable(),
  /** True for messages WhatsApp replays after the socket was offline (`append`). */
  replay: z.boolean(),
});

/** A message the team typed on the linked phone (or WhatsApp Web), not one this system sent. */
export const messageFromTeam = z.object({
  ...base,
  type: z.literal('message.from_team'),
  ...chat,
  text: typed(65_536),
  timestamp: z.number().int().nonnegative(),
  kind: z.enum(['direct', 'group', 'status', 'broadcast', 'newsletter']),
});

export const messageStatus = z.object({
  ...base,
  type: z.literal('message.status'),
  ...chat,
  status: z.enum(['pending', 'sent', 'delivered', 'read', 'played', 'failed']),
  /** For failures: WhatsApp's reason when it gives one (for example 463, no tctoken). */
  error: z.string().max(500).nullable(),
});

export const sessionStatus = z.object({
  ...base,
  type: z.literal('session.status'),
  status: z.enum(['not_linked', 'connecting', 'qr', 'open', 'reconnecting', 'logged_out', 'replaced', 'stopped']),
  reason: z.string().max(500).nullable(),
  phone: z.string().nullable(),
});

export const waEvent = z.discriminatedUnion('type', [messageReceived, messageFromTeam, messageStatus, sessionStatus]);

export type WaEvent = z.infer<typeof waEvent>;
export type MessageReceived = z.infer<typeof messageReceived>;
export type MessageFromTeam = z.infer<typeof messageFromTeam>;
export type MessageStatusEvent = z.infer<typeof messageStatus>;
export type SessionStatusEvent = z.infer<typeof sessionStatus>;
export type SessionState = SessionStatusEvent['status'];
