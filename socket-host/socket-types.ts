/**
 * The part of Baileys' socket the host uses. Naming it keeps the WhatsApp boundary narrow: Baileys'
 * `makeWASocket` satisfies it, and so does the in-process playground socket the tests and the local
 * playground use, which is how everything here is tested without reaching WhatsApp.
 */
import type {
  BaileysEventMap,
  Contact,
  UserFacingSocketConfig,
  WAMessage,
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
  sendMessage(jid: string, content: { text: string }, options?: { messageId?: string }): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: WAPresence, toJid?: string): Promise<void>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  logout(msg?: string): Promise<void>;
  end(error: Error | undefined): Promise<void>;
};

export type MakeSocket = (config: UserFacingSocketConfig) => HostSocket;

/** Baileys closes with a Boom whose `output.statusCode` is a DisconnectReason; plain Errors have none. */
export function closeStatusCode(error: unknown): number | undefined {
  const code = (error as { output?: { statusCode?: unknown } } | undefined)?.output?.statusCode;
  return typeof code === 'number' ? code : undefined;
}
