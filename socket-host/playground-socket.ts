/**
 * An in-process stand-in for a Baileys socket that never touches WhatsApp. It implements the part of
 * the socket API the host uses and emits Baileys' real event shapes (WAMessages built with Baileys'
 * own generator), so the local playground and the tests run the host's real code path.
 */
import { EventEmitter } from 'node:events';
import {
  type AnyMessageContent,
  generateMessageIDV2,
  generateWAMessageContent,
  generateWAMessageFromContent,
  type BaileysEventMap,
  type Contact,
  type GroupMetadata,
  type MessageUpsertType,
  type proto,
  type UserFacingSocketConfig,
  type WAMessage,
  type WAMessageKey,
  type WAPresence,
} from '@whiskeysockets/baileys';
import { mediaMessage, type MediaUploader, type PlaygroundMedia } from './playground-media.ts';
import type { HostSocket, MakeSocket } from './socket-types.ts';

export type InjectInput = {
  /** Digits of a phone number, or a full JID (`…@s.whatsapp.net`, `…@lid`, `…@g.us`). */
  from: string;
  text: string;
  /** Baileys' message content as WhatsApp delivers it (an imageMessage, a reactionMessage…); replaces `text`. */
  message?: proto.IMessage;
  id?: string;
  fromMe?: boolean;
  /** `notify` (live) or `append` (an offline replay). */
  type?: MessageUpsertType;
  pushName?: string;
  /** The other form of the sender's JID (Baileys 7's `remoteJidAlt`). */
  alt?: string;
};

/** A sent file as the socket got it: its type, MIME type, name and bytes (`text` is its caption). */
export type SentMedia = { type: PlaygroundMedia['type']; mimeType: string; fileName?: string; data: Uint8Array };

export type SentRecord = { id: string; to: string; text: string; at: string; message: WAMessage; media?: SentMedia };

/** A socket method as it was called, with a copy of its arguments as Baileys would get them. */
export type SocketCall = { method: string; args: unknown[] };

/**
 * What this stand-in of WhatsApp knows about other people: who has WhatsApp (phone digits → LID),
 * profile pictures (JID → URL) and the groups the linked number is in. Empty unless a test fills it.
 */
export type PlaygroundDirectory = {
  users: Map<string, string>;
  pictures: Map<string, string>;
  groups: Record<string, GroupMetadata>;
};

export type PlaygroundSocketOptions = {
  config?: UserFacingSocketConfig;
  /** Who the linked number is once open. */
  me?: Contact;
  /** Open by itself on the next tick (default), or wait for `open()` / `showQr()` from a test. */
  autoOpen?: boolean;
  /** Shared list of everything sent, kept across the sockets of reconnects. */
  record?: SentRecord[];
  /** The stand-in of WhatsApp's media servers that customers' files are uploaded to (injectMedia). */
  mediaCdn?: MediaUploader;
};

const MAX_RECORD = 2000;

export const PLAYGROUND_ME: Contact = { id: '15550000000:1@s.whatsapp.net', lid: '100000000000001:1@lid', name: 'Playground' };

/** A Boom-like error, as Baileys closes with: the reconnect policy reads `output.statusCode`. */
export function disconnectError(statusCode: number, message = 'Connection Failure'): Error {
  return Object.assign(new Error(message), { isBoom: true, output: { statusCode, payload: { statusCode, message } } });
}

export function toJid(address: string): string {
  return address.includes('@') ? address : `${address.replace(/\D/g, '')}@s.whatsapp.net`;
}

export class PlaygroundSocket implements HostSocket {
  readonly ev: HostSocket['ev'];
  readonly config: UserFacingSocketConfig | undefined;
  user: Contact | undefined;
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  readonly presences: { type: WAPresence; jid: string | undefined }[] = [];
  readonly pairingRequests: string[] = [];
  readonly record: SentRecord[];
  /** The calls of the integrator-facing operations (sendMessage, readMessages, onWhatsApp…), in order. */
  readonly calls: SocketCall[] = [];
  readonly directory: PlaygroundDirectory = { users: new Map(), pictures: new Map(), groups: {} };
  readonly signalRepository: HostSocket['signalRepository'];
  private readonly emitter = new EventEmitter();
  private readonly me: Contact;
  private readonly mediaCdn: MediaUploader | undefined;

  constructor(options: PlaygroundSocketOptions = {}) {
    this.config = options.config;
    this.me = options.me ?? PLAYGROUND_ME;
    this.record = options.record ?? [];
    this.mediaCdn = options.mediaCdn;
    this.emitter.setMaxListeners(50);
    this.signalRepository = {
      lidMapping: {
        getLIDForPN: async (pn) => {
          this.called('signalRepository.lidMapping.getLIDForPN', pn);
          return this.directory.users.get(pn.split('@')[0]!.split(':')[0]!) ?? null;
        },
        getPNForLID: async (lid) => {
          this.called('signalRepository.lidMapping.getPNForLID', lid);
          const user = lid.split('@')[0]!.split(':')[0]!;
          for (const [digits, known] of this.directory.users) if (known.split('@')[0] === user) return `${digits}@s.whatsapp.net`;
          return null;
        },
      },
    };
    this.ev = {
      on: (event, listener) => void this.emitter.on(event, listener),
      off: (event, listener) => void this.emitter.off(event, listener),
    };
    // Baileys announces the connection after the caller had a chance to attach its listeners.
    setImmediate(() => {
      if (this.state === 'closed') return;
      this.emit('connection.update', { connection: 'connecting', receivedPendingNotifications: false, qr: undefined });
      if (options.autoOpen ?? true) this.open();
    });
  }

  emit<T extends keyof BaileysEventMap>(event: T, arg: BaileysEventMap[T]): void {
    this.emitter.emit(event, arg);
  }

  /** The linked phone accepted us: the socket is open. */
  open(): void {
    if (this.state === 'closed') return;
    this.state = 'open';
    this.user = this.me;
    this.emit('connection.update', { connection: 'open', isNewLogin: false });
  }

  /** A QR code for linking, as Baileys emits while the creds are not registered. */
  showQr(qr = `2@playground-${Math.random().toString(36).slice(2)}`): string {
    this.emit('connection.update', { qr });
    return qr;
  }

  /** Closes as WhatsApp would, with a DisconnectReason code (515, 401, 440, 428…). */
  close(statusCode: number, message?: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: disconnectError(statusCode, message), date: new Date() },
    });
  }

  /** A message arriving from a customer (or typed on the linked phone, with fromMe). */
  inject(input: InjectInput): WAMessage {
    if (this.state !== 'open') throw new Error('the playground socket is not open');
    const message: WAMessage = {
      key: {
        remoteJid: toJid(input.from),
        fromMe: input.fromMe ?? false,
        id: input.id ?? generateMessageIDV2(),
        ...(input.alt ? { remoteJidAlt: toJid(input.alt) } : {}),
      },
      messageTimestamp: Math.floor(Date.now() / 1000),
      pushName: input.fromMe ? (this.me.name ?? null) : (input.pushName ?? 'Playground customer'),
      broadcast: false,
      message: input.message ?? { conversation: input.text },
    };
    this.emit('messages.upsert', { messages: [message], type: input.type ?? 'notify' });
    return message;
  }

  /**
   * A customer sends a photo, a voice note, a document…: the bytes are encrypted as WhatsApp encrypts
   * them and fetched by the functions from the media servers' stand-in, as from WhatsApp's.
   */
  async injectMedia(input: Omit<InjectInput, 'text' | 'message'> & { media: PlaygroundMedia }): Promise<WAMessage> {
    if (!this.mediaCdn) throw new Error('this playground socket has no media server stand-in');
    const { media, ...rest } = input;
    return this.inject({ ...rest, text: '', message: await mediaMessage(this.mediaCdn, media) });
  }

  /** A delivery status change for a message, as `messages.update` carries it (proto Status number). */
  emitStatus(key: WAMessage['key'], status: number, stubParameters?: string[]): void {
    this.emit('messages.update', [{ key, update: { status, ...(stubParameters ? { messageStubParameters: stubParameters } : {}) } }]);
  }

  async sendMessage(jid: string, content: AnyMessageContent, options: { messageId?: string } = {}): Promise<WAMessage> {
    this.called('sendMessage', jid, content, options);
    if (this.state !== 'open') throw disconnectError(428, 'Connection Closed');
    const media = sentMedia(content);
    const text = 'text' in content && typeof content.text === 'string' ? content.text : media?.caption ?? '';
    const plainText = text && !('edit' in content && content.edit);
    // A file is encrypted and uploaded as Baileys does before sending (to the media servers' stand-in, if any);
    // reactions, edits, deletes, locations and contact cards are built by Baileys' own generator.
    const body: proto.IMessage = media
      ? await mediaMessage(this.mediaCdn ?? DISCARD_UPLOADS, { ...media, caption: media.caption || undefined })
      : plainText
        ? { extendedTextMessage: { text } }
        : await generateWAMessageContent(structuredClone(content), { upload: NO_UPLOADS });
    const message = generateWAMessageFromContent(jid, body, {
      userJid: this.me.id,
      messageId: options.messageId ?? generateMessageIDV2(this.me.id),
    }) as WAMessage;
    const record: SentRecord = { id: message.key.id!, to: jid, text, at: new Date().toISOString(), message };
    if (media) record.media = { type: media.type, mimeType: media.mimeType, fileName: media.fileName, data: media.data };
    this.record.push(record);
    // A playground left running for days must not grow without bound: keep the recent history only.
    if (this.record.length > MAX_RECORD) this.record.splice(0, this.record.length - MAX_RECORD);
    // Baileys echoes our own sends back as an `append` upsert, a moment after relaying them.
    process.nextTick(() => this.emit('messages.upsert', { messages: [message], type: 'append' }));
    return message;
  }

  /** What this socket (and the sockets before it, when the record is shared) sent, optionally to one chat. */
  sent(to?: string): SentRecord[] {
    if (!to) return [...this.record];
    const jid = toJid(to);
    return this.record.filter((r) => r.to === jid);
  }

  async sendPresenceUpdate(type: WAPresence, jid?: string): Promise<void> {
    this.presences.push({ type, jid });
    this.called('sendPresenceUpdate', type, jid);
  }

  async readMessages(keys: WAMessageKey[]): Promise<void> {
    this.called('readMessages', keys);
    this.whileOpen();
  }

  async onWhatsApp(...phoneNumbers: string[]): Promise<{ jid: string; exists: boolean }[]> {
    this.called('onWhatsApp', ...phoneNumbers);
    this.whileOpen();
    // As Baileys: only the numbers WhatsApp knows come back, as phone JIDs.
    return phoneNumbers
      .map((n) => n.replace(/\D/g, ''))
      .filter((digits) => this.directory.users.has(digits))
      .map((digits) => ({ jid: `${digits}@s.whatsapp.net`, exists: true }));
  }

  async profilePictureUrl(jid: string, type: 'preview' | 'image' = 'preview', timeoutMs?: number): Promise<string | undefined> {
    this.called('profilePictureUrl', jid, type, ...(timeoutMs === undefined ? [] : [timeoutMs]));
    this.whileOpen();
    const url = this.directory.pictures.get(jid);
    // WhatsApp answers an IQ error when there is no picture (or privacy hides it); Baileys throws it.
    if (!url) throw Object.assign(new Error('item-not-found'), { isBoom: true, output: { statusCode: 404, payload: { statusCode: 404, message: 'item-not-found' } } });
    return url;
  }

  async groupFetchAllParticipating(): Promise<{ [jid: string]: GroupMetadata }> {
    this.called('groupFetchAllParticipating');
    this.whileOpen();
    return structuredClone(this.directory.groups);
  }

  /** The calls made of one method, oldest first. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  private called(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args: structuredClone(args) });
    if (this.calls.length > MAX_RECORD) this.calls.splice(0, this.calls.length - MAX_RECORD);
  }

  private whileOpen(): void {
    if (this.state !== 'open') throw disconnectError(428, 'Connection Closed');
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    this.pairingRequests.push(phoneNumber);
    return 'PLAY2024';
  }

  async logout(): Promise<void> {
    this.close(401, 'Intentional Logout');
  }

  async end(error: Error | undefined): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.emit('connection.update', { connection: 'close', lastDisconnect: { error, date: new Date() } });
  }
}

/**
 * A `makeSocket` that builds playground sockets and remembers them; the sent record is shared, so a
 * reconnect does not forget what was sent.
 */
export function createPlaygroundSockets(options: Omit<PlaygroundSocketOptions, 'config' | 'record'> = {}) {
  const sockets: PlaygroundSocket[] = [];
  const record: SentRecord[] = [];
  const makeSocket: MakeSocket = (config) => {
    const socket = new PlaygroundSocket({ ...options, config, record });
    sockets.push(socket);
    return socket;
  };
  return {
    makeSocket,
    sockets,
    latest: (): PlaygroundSocket | undefined => sockets.at(-1),
    sent: (to?: string): SentRecord[] => (to ? record.filter((r) => r.to === toJid(to)) : [...record]),
  };
}

export type PlaygroundSockets = ReturnType<typeof createPlaygroundSockets>;

/** Where files go when no media server stand-in is given: nowhere (only the record keeps them). */
const DISCARD_UPLOADS: MediaUploader = { upload: () => ({ url: 'https://mmg.whatsapp.net/v/discarded.enc', directPath: '/v/discarded.enc' }) };

/** Only texts and the content Baileys builds without a file reach its generator here. */
const NO_UPLOADS = async (): Promise<never> => {
  throw new Error('the playground socket uploads files through its media server stand-in only');
};

/** The file in Baileys' send content (`image`, `audio` with `ptt`…), as the playground's media shape. */
function sentMedia(content: AnyMessageContent): (PlaygroundMedia & { caption: string }) | undefined {
  const c = content as Record<string, unknown>;
  const kinds = ['image', 'video', 'audio', 'document', 'sticker'] as const;
  const kind = kinds.find((k) => c[k] !== undefined);
  if (!kind) return undefined;
  const file = c[kind];
  if (!(file instanceof Uint8Array)) throw new Error(`the playground socket sends ${kind} files given as bytes only`);
  const type = kind === 'audio' && c.ptt === true ? 'voice' : kind;
  const mimeType = typeof c.mimetype === 'string' ? c.mimetype : 'application/octet-stream';
  const fileName = typeof c.fileName === 'string' ? c.fileName : undefined;
  return { type, data: file, mimeType, fileName, caption: typeof c.caption === 'string' ? c.caption : '' };
}
