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

/** What the message is (the contract's message `type`); events from before media support are all text. */
export const messageTypes = ['text', 'image', 'audio', 'voice', 'video', 'document', 'sticker', 'location', 'contact', 'reaction'] as const;

const b64 = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9+/]*={0,2}$/);

/**
 * WhatsApp's reference to a media file on its CDN: enough for the functions to fetch and decrypt it
 * (AES-256-CBC with keys derived from `mediaKey`); never the bytes, never a thumbnail (the queue
 * carries at most 1 MB). Binary fields are base64.
 */
export const mediaRef = z.object({
  mimeType: z.string().max(255).nullable(),
  /** Bytes, as WhatsApp announces it. */
  size: z.number().int().nonnegative().nullable(),
  fileName: typed(512).nullable(),
  /** Seconds, for audio, voice notes and video. */
  seconds: z.number().int().nonnegative().nullable(),
  mediaKey: b64(128).nullable(),
  directPath: z.string().max(2048).nullable(),
  url: z.string().max(2048).nullable(),
  fileSha256: b64(128).nullable(),
  fileEncSha256: b64(128).nullable(),
});

export const location = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: typed(512).nullable(),
  address: typed(1024).nullable(),
  /** A live location (its first position; later updates are not followed). */
  live: z.boolean(),
});

export const contactCard = z.object({ name: typed(256).nullable(), vcard: typed(8192).nullable() });

/**
 * A message that changes an earlier one rather than adding to the conversation: a reaction (an empty
 * emoji takes it back), an edit (the new text is the event's `text`) or a delete for everyone.
 */
export const messageChange = z.object({
  action: z.enum(['reaction', 'edit', 'delete']),
  targetWaMessageId: z.string().min(1).max(128),
  emoji: typed(64).nullable(),
});

/** Optional, so that events queued by an older socket-host still decode (as text). */
const content = {
  messageType: z.enum(messageTypes).default('text'),
  media: mediaRef.optional(),
  location: location.optional(),
  contacts: z.array(contactCard).max(10).optional(),
  change: messageChange.optional(),
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
  ...content,
});

/** A message the team typed on the linked phone (or WhatsApp Web), not one this system sent. */
export const messageFromTeam = z.object({
  ...base,
  type: z.literal('message.from_team'),
  ...chat,
  text: typed(65_536),
  timestamp: z.number().int().nonnegative(),
  kind: z.enum(['direct', 'group', 'status', 'broadcast', 'newsletter']),
  ...content,
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

/**
 * WhatsApp told the socket-host whose phone number a LID is (Baileys' `lid-mapping.update`): the
 * functions merge that customer's conversations (by phone and by LID) into one ahead of their next
 * message. The message events carry the same pair when WhatsApp does (`chatJid` a LID, `phone` set).
 */
export const contactMapping = z.object({
  ...base,
  type: z.literal('contact.mapping'),
  lid: z.string().min(1).max(128).regex(/@(hosted\.)?lid$/),
  phone: z.string().regex(/^\d{5,20}$/),
});

export const waEvent = z.discriminatedUnion('type', [messageReceived, messageFromTeam, messageStatus, sessionStatus, contactMapping]);

export type WaEvent = z.infer<typeof waEvent>;
export type MessageReceived = z.infer<typeof messageReceived>;
export type MessageFromTeam = z.infer<typeof messageFromTeam>;
export type MessageStatusEvent = z.infer<typeof messageStatus>;
export type SessionStatusEvent = z.infer<typeof sessionStatus>;
export type ContactMappingEvent = z.infer<typeof contactMapping>;
export type MessageType = (typeof messageTypes)[number];
export type MediaRef = z.infer<typeof mediaRef>;
export type Location = z.infer<typeof location>;
export type ContactCard = z.infer<typeof contactCard>;
export type MessageChange = z.infer<typeof messageChange>;
export type SessionState = SessionStatusEvent['status'];
