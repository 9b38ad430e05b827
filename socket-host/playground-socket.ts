/**
 * An in-process stand-in for a Baileys socket that never touches WhatsApp. It implements the part of
 * the socket API the host uses and emits Baileys' real event shapes (WAMessages built with Baileys'
 * own generator), so the local playground and the tests run the host's real code path.
 */
import { EventEmitter } from 'node:events';
import {
  generateMessageIDV2,
  generateWAMessageFromContent,
  type BaileysEventMap,
  type Contact,
  type MessageUpsertType,
  type proto,
  type UserFacingSocketConfig,
  type WAMessage,
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

export type SentRecord = { id: string; to: string; text: string; at: string; message: WAMessage };

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
  private readonly emitter = new EventEmitter();
  private readonly me: Contact;
  private readonly mediaCdn: MediaUploader | undefined;

  constructor(options: PlaygroundSocketOptions = {}) {
    this.config = options.config;
    this.me = options.me ?? PLAYGROUND_ME;
    this.record = options.record ?? [];
    this.mediaCdn = options.mediaCdn;
    this.emitter.setMaxListeners(50);
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

  async sendMessage(jid: string, content: { text: string }, options: { messageId?: string } = {}): Promise<WAMessage> {
    if (this.state !== 'open') throw disconnectError(428, 'Connection Closed');
    const message = generateWAMessageFromContent(
      jid,
      { extendedTextMessage: { text: content.text } },
      { userJid: this.me.id, messageId: options.messageId ?? generateMessageIDV2(this.me.id) },
    ) as WAMessage;
    this.record.push({ id: message.key.id!, to: jid, text: content.text, at: new Date().toISOString(), message });
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
