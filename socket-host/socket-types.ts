/**
 * The part of Baileys' socket the host uses. Naming it keeps the WhatsApp boundary narrow: Baileys'
 * `makeWASocket` satisfies it, and so does the in-process playground socket the tests and the local
 * playground use, which is how everything here is tested without reaching WhatsApp.
 */
import type {
  AnyMessageContent,
  BaileysEventMap,
  Contact,
  GroupMetadata,
  UserFacingSocketConfig,
  WAMessage,
  WAMessageKey,
  WAPresence,
} from '@whiskeysockets/baileys';

export type SocketEvents = {
  on<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void;
  off<T extends keyof BaileysEventMap>(event: T, listener: (arg: BaileysEventMap[T]) => void): void;
};

export type HostSocket = {
  ev: SocketEvents;
  /** Set once the socket is open: our own JID (`<phone>:<device>@s.whatsapp.net`). */
  readonly user: Contact | undefined;
  sendMessage(jid: string, content: AnyMessageContent, options?: { messageId?: string }): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  /** Read receipts (blue ticks) for these received messages. */
  readMessages(keys: WAMessageKey[]): Promise<void>;
  /** Which of these phone numbers have WhatsApp (Baileys 7 answers no LID here: see signalRepository). */
  onWhatsApp(...phoneNumbers: string[]): Promise<{ jid: string; exists: boolean }[] | undefined>;
  /**
   * Baileys' LID ↔ phone mapping store: the LID of a phone JID (asked of WhatsApp when not cached),
   * and the phone JID of a LID (only pairs Baileys has seen: never asks WhatsApp).
   */
  readonly signalRepository: { lidMapping: { getLIDForPN(pn: string): Promise<string | null>; getPNForLID(lid: string): Promise<string | null> } };
  /** Throws (404 item-not-found, 401 not-authorized) when there is none or privacy hides it. */
  profilePictureUrl(jid: string, type?: 'preview' | 'image', timeoutMs?: number): Promise<string | undefined>;
  groupFetchAllParticipating(): Promise<{ [jid: string]: GroupMetadata }>;
  logout(msg?: string): Promise<void>;
  end(error: Error | undefined): Promise<void>;
};

export type MakeSocket = (config: UserFacingSocketConfig) => HostSocket;

/** Baileys closes with a Boom whose `output.statusCode` is a DisconnectReason; plain Errors have none. */
export function closeStatusCode(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
