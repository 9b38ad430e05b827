/**
 * Baileys' shapes → the small versioned events of shared/contracts/wa-event.ts. Pure: the session
 * decides what to forward; this only reads a WAMessage and says what it is.
 */
import {
  isHostedLidUser,
  isHostedPnUser,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  isPnUser,
  jidDecode,
  jidNormalizedUser,
  normalizeMessageContent,
  type LIDMapping,
  type MessageUpsertType,
  type proto,
  type WAMessage,
  type WAMessageUpdate,
} from '@whiskeysockets/baileys';
import type {
  ContactCard,
  ContactMappingEvent,
  Location,
  MediaRef,
  MessageChange,
  MessageFromTeam,
  MessageReceived,
  MessageType,
  MessageStatusEvent,
  SessionState,
  SessionStatusEvent,
} from '../shared/contracts/wa-event.ts';

export type MessageKind = MessageReceived['kind'];

export type NormalizedMessage = {
  waMessageId: string;
  chatJid: string;
  phone: string | null;
  pushName: string | null;
  text: string;
  /** Seconds since epoch. */
  timestamp: number;
  kind: MessageKind;
  participantJid: string | null;
  fromMe: boolean;
  /** An offline replay (`append`): a real message WhatsApp kept while we were away. */
  replay: boolean;
} & Content;

/** What the message holds, beside its text (a caption, an edit's new text). */
export type Content = {
  messageType: MessageType;
  media?: MediaRef;
  location?: Location;
  contacts?: ContactCard[];
  change?: MessageChange;
};

const MAX_TEXT = 65_536;

/**
 * Returns null for what is not something a person said or did to a message: protocol chatter (key
 * shares, history syncs, disappearing-mode settings), stubs, and kinds this does not know that carry
 * no text. Media, locations, contact cards, reactions, edits and deletes are all kept.
 */
export function normalizeMessage(msg: WAMessage, upsertType: MessageUpsertType, nowSeconds: number): NormalizedMessage | null {
  const { key } = msg;
  const remoteJid = key.remoteJid;
  if (!key.id || !remoteJid || !msg.message) return null;
  const message = normalizeMessageContent(msg.message);
  if (!message) return null;
  const found = contentOf(message);
  if (!found) return null;
  const { text: raw, ...content } = found;
  const text = withoutNul(raw);
  if (content.messageType === 'text' && !content.change && !text.trim()) return null;

  const kind = kindOf(remoteJid);
  let chatJid = remoteJid;
  let phone: string | null = null;
  let participantJid: string | null = null;
  if (kind === 'direct') {
    const ids = userIds(remoteJid, key.remoteJidAlt);
    chatJid = ids.lid ?? ids.pn ?? remoteJid;
    phone = phoneOf(ids.pn);
  } else {
    // Groups and status posts: the chat is the group; the author is the participant, preferably by LID.
    const author = key.participant ?? msg.participant ?? undefined;
    if (author) {
      const ids = userIds(author, key.participantAlt);
      participantJid = ids.lid ?? ids.pn ?? author;
    }
  }
  return {
    waMessageId: key.id,
    chatJid,
    phone,
    pushName: key.fromMe ? null : withoutNul(msg.pushName ?? '').slice(0, 256) || null,
    text: text.slice(0, MAX_TEXT),
    timestamp: toSeconds(msg.messageTimestamp) ?? nowSeconds,
    kind,
    participantJid,
    fromMe: key.fromMe === true,
    replay: upsertType === 'append',
    ...content,
  };
}

/** REVOKE and MESSAGE_EDIT of proto.Message.ProtocolMessage.Type. */
const REVOKE = 0;
const MESSAGE_EDIT = 14;
const MAX_CONTACTS = 10;

function contentOf(m: proto.IMessage): (Content & { text: string }) | null {
  const p = m.protocolMessage;
  if (p) {
    const target = p.key?.id;
    if (!target) return null;
    if (p.type === REVOKE) return { messageType: 'text', text: '', change: { action: 'delete', targetWaMessageId: target, emoji: null } };
    if (p.type === MESSAGE_EDIT && p.editedMessage) {
      const edited = normalizeMessageContent(p.editedMessage);
      return { messageType: 'text', text: edited ? textOf(edited) : '', change: { action: 'edit', targetWaMessageId: target, emoji: null } };
    }
    return null;
  }
  if (m.reactionMessage) {
    const target = m.reactionMessage.key?.id;
    if (!target) return null;
    const emoji = withoutNul(m.reactionMessage.text ?? '').slice(0, 64);
    return { messageType: 'reaction', text: '', change: { action: 'reaction', targetWaMessageId: target, emoji } };
  }
  const text = textOf(m);
  if (m.imageMessage) return { messageType: 'image', text, media: mediaOf(m.imageMessage) };
  if (m.audioMessage) return { messageType: m.audioMessage.ptt ? 'voice' : 'audio', text, media: mediaOf(m.audioMessage) };
  if (m.videoMessage) return { messageType: 'video', text, media: mediaOf(m.videoMessage) };
  if (m.documentMessage) return { messageType: 'document', text, media: mediaOf(m.documentMessage) };
  if (m.stickerMessage) return { messageType: 'sticker', text, media: mediaOf(m.stickerMessage) };
  const place = m.locationMessage ?? m.liveLocationMessage;
  if (place && typeof place.degreesLatitude === 'number' && typeof place.degreesLongitude === 'number') {
    const named = m.locationMessage ?? {};
    return {
      messageType: 'location',
      text: m.liveLocationMessage?.caption ?? m.locationMessage?.comment ?? '',
      location: {
        latitude: place.degreesLatitude,
        longitude: place.degreesLongitude,
        name: bounded(named.name, 512),
        address: bounded(named.address, 1024),
        live: !m.locationMessage,
      },
    };
  }
  const cards = m.contactMessage ? [m.contactMessage] : (m.contactsArrayMessage?.contacts ?? []);
  if (cards.length) {
    return {
      messageType: 'contact',
      text: '',
      contacts: cards.slice(0, MAX_CONTACTS).map((c) => ({ name: bounded(c.displayName, 256), vcard: bounded(c.vcard, 8192) })),
    };
  }
  return { messageType: 'text', text };
}

type MediaMessage = {
  mimetype?: string | null;
  fileLength?: number | Long | null;
  fileName?: string | null;
  seconds?: number | null;
  mediaKey?: Uint8Array | string | null;
  directPath?: string | null;
  url?: string | null;
  fileSha256?: Uint8Array | string | null;
  fileEncSha256?: Uint8Array | string | null;
};
type Long = { toNumber(): number };

/** The reference the functions need to fetch and decrypt the file later; no bytes, no thumbnail. */
function mediaOf(m: MediaMessage): MediaRef {
  const size = typeof m.fileLength === 'number' ? m.fileLength : m.fileLength ? m.fileLength.toNumber() : null;
  return {
    mimeType: bounded(m.mimetype, 255),
    size: size !== null && Number.isSafeInteger(size) && size >= 0 ? size : null,
    fileName: bounded(m.fileName, 512),
    seconds: typeof m.seconds === 'number' && m.seconds >= 0 ? Math.floor(m.seconds) : null,
    mediaKey: base64(m.mediaKey),
    directPath: bounded(m.directPath, 2048, false),
    url: bounded(m.url, 2048, false),
    fileSha256: base64(m.fileSha256),
    fileEncSha256: base64(m.fileEncSha256),
  };
}

/** A string field as the contract bounds it: too long to be real → cut (names) or dropped (paths). */
function bounded(v: string | null | undefined, max: number, cut = true): string | null {
  if (typeof v !== 'string' || !v) return null;
  const s = withoutNul(v);
  if (s.length <= max) return s || null;
  return cut ? s.slice(0, max) : null;
}

/** Baileys gives keys and hashes as bytes; a message that went through JSON has them as base64 already. */
function base64(v: Uint8Array | string | null | undefined): string | null {
  if (!v) return null;
  const s = typeof v === 'string' ? v : Buffer.from(v).toString('base64');
  return s.length <= 128 && /^[A-Za-z0-9+/]*={0,2}$/.test(s) ? s : null;
}

/** PostgreSQL text cannot hold U+0000; what the customer wrote is kept without it, never dropped for it. */
const withoutNul = (s: string) => s.replaceAll('\u0000', '');

function textOf(m: proto.IMessage): string {
  return (
    m.conversation ??
    m.extendedTextMessage?.text ??
    m.imageMessage?.caption ??
    m.videoMessage?.caption ??
    m.documentMessage?.caption ??
    m.buttonsResponseMessage?.selectedDisplayText ??
    m.templateButtonReplyMessage?.selectedDisplayText ??
    m.listResponseMessage?.title ??
    ''
  );
}

export function kindOf(jid: string): MessageKind {
  if (isJidGroup(jid)) return 'group';
  if (isJidStatusBroadcast(jid)) return 'status';
  if (isJidBroadcast(jid)) return 'broadcast';
  if (isJidNewsletter(jid)) return 'newsletter';
  return 'direct';
}

/** A primary JID and its `…Alt` twin: one may be the LID, the other the phone-number JID, either way round. */
function userIds(jid: string, alt: string | undefined | null): { lid?: string; pn?: string } {
  const out: { lid?: string; pn?: string } = {};
  for (const j of [jid, alt]) {
    if (!j) continue;
    if (!out.lid && (isLidUser(j) || isHostedLidUser(j))) out.lid = jidNormalizedUser(j);
    else if (!out.pn && (isPnUser(j) || isHostedPnUser(j) || j.endsWith('@c.us'))) out.pn = jidNormalizedUser(j);
  }
  return out;
}

/** Digits of a phone-number JID (device suffix dropped), or null when it does not look like one. */
export function phoneOf(pnJid: string | undefined): string | null {
  const user = pnJid ? jidDecode(pnJid)?.user : undefined;
  return user && /^\d{5,20}$/.test(user) ? user : null;
}

function toSeconds(ts: WAMessage['messageTimestamp']): number | null {
  if (typeof ts === 'number') return ts;
  if (ts && typeof ts === 'object' && 'toNumber' in ts) return ts.toNumber();
  return null;
}

export type StatusName = MessageStatusEvent['status'];

/** proto.WebMessageInfo.Status: ERROR, PENDING, SERVER_ACK, DELIVERY_ACK, READ, PLAYED. */
const STATUS_NAMES: readonly StatusName[] = ['failed', 'pending', 'sent', 'delivered', 'read', 'played'];

export type NormalizedStatus = {
  waMessageId: string;
  chatJid: string;
  phone: string | null;
  status: StatusName;
  error: string | null;
};

/** A `messages.update` entry that changes a delivery status; null for edits and other updates. */
export function normalizeStatusUpdate(u: WAMessageUpdate): NormalizedStatus | null {
  const status = typeof u.update.status === 'number' ? STATUS_NAMES[u.update.status] : undefined;
  const { id, remoteJid } = u.key;
  if (!status || !id || !remoteJid) return null;
  const ids = kindOf(remoteJid) === 'direct' ? userIds(remoteJid, u.key.remoteJidAlt) : {};
  // Baileys puts the server's error code first (e.g. 463, no tctoken), then a text when it has one.
  const params = (u.update.messageStubParameters ?? []) as unknown[];
  const error = status === 'failed' ? withoutNul(params.map(String).join(': ')).slice(0, 500) || 'unknown error' : null;
  return { waMessageId: id, chatJid: ids.lid ?? ids.pn ?? remoteJid, phone: phoneOf(ids.pn), status, error };
}

/** Same WhatsApp message → same id, however often Baileys replays it: the queue deduplicates on it. */
export function messageEventId(sessionId: string, waMessageId: string): string {
  return `${sessionId}:${waMessageId}`;
}

export function messageEvent(sessionId: string, n: NormalizedMessage, at: Date | string): MessageReceived | MessageFromTeam {
  const common = {
    v: 1 as const,
    id: messageEventId(sessionId, n.waMessageId),
    sessionId,
    at: typeof at === 'string' ? at : at.toISOString(),
    waMessageId: n.waMessageId,
    chatJid: n.chatJid,
    phone: n.phone,
    text: n.text,
    timestamp: n.timestamp,
    kind: n.kind,
    messageType: n.messageType,
    ...(n.media ? { media: n.media } : {}),
    ...(n.location ? { location: n.location } : {}),
    ...(n.contacts ? { contacts: n.contacts } : {}),
    ...(n.change ? { change: n.change } : {}),
  };
  if (n.fromMe) return { ...common, type: 'message.from_team' };
  return { ...common, type: 'message.received', pushName: n.pushName, participantJid: n.participantJid, replay: n.replay };
}

export function statusEvent(sessionId: string, s: NormalizedStatus, at: Date): MessageStatusEvent {
  return {
    v: 1,
    id: `${messageEventId(sessionId, s.waMessageId)}:${s.status}`,
    sessionId,
    at: at.toISOString(),
    type: 'message.status',
    waMessageId: s.waMessageId,
    chatJid: s.chatJid,
    phone: s.phone,
    status: s.status,
    error: s.error,
  };
}

/**
 * Baileys learnt whose phone number a LID is (`lid-mapping.update`): the pair, for the functions to
 * merge that customer's conversations. Null when either side is not what it should be.
 */
export function contactMappingEvent(sessionId: string, mapping: LIDMapping, at: Date): ContactMappingEvent | null {
  const ids = userIds(mapping.lid, mapping.pn);
  const phone = phoneOf(ids.pn);
  if (!ids.lid || !phone) return null;
  return {
    v: 1,
    // The same pair is the same fact, however often Baileys announces it.
    id: `${sessionId}:mapping:${ids.lid}:${phone}`,
    sessionId,
    at: at.toISOString(),
    type: 'contact.mapping',
    lid: ids.lid,
    phone,
  };
}

export function sessionStatusEvent(
  sessionId: string,
  status: SessionState,
  reason: string | null,
  phone: string | null,
  at: Date,
): SessionStatusEvent {
  return {
    v: 1,
    // Time-based: a session may go open → reconnecting → open many times, each a distinct fact.
    id: `${sessionId}:session:${status}:${at.getTime()}`,
    sessionId,
    at: at.toISOString(),
    type: 'session.status',
    status,
    reason: reason?.slice(0, 500) ?? null,
    phone,
  };
}
