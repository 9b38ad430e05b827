import type { MediaType, proto } from '@whiskeysockets/baileys';
import { encryptAsWhatsApp } from './media-encrypt.ts';

/** Where the playground uploads encrypted files: a stand-in of WhatsApp's media servers (local/media-cdn.ts). */
export type MediaUploader = { upload(file: Uint8Array): { url: string; directPath: string } };

export type PlaygroundMedia = {
  type: 'image' | 'audio' | 'voice' | 'video' | 'document' | 'sticker';
  data: Uint8Array;
  mimeType: string;
  fileName?: string;
  /** The caption (not for voice notes, audio or stickers, as on WhatsApp). */
  caption?: string;
};

/** The Baileys media type a message type is encrypted as (a voice note is audio with `ptt`). */
const ENCRYPTED_AS: Record<PlaygroundMedia['type'], MediaType> = {
  image: 'image',
  audio: 'audio',
  voice: 'audio',
  video: 'video',
  document: 'document',
  sticker: 'sticker',
};

/**
 * The message content WhatsApp delivers for a media file: the bytes encrypted with Baileys' own
 * functions, uploaded to the stand-in of WhatsApp's media servers, referenced by key, hashes and path.
 */
export async function mediaMessage(cdn: MediaUploader, media: PlaygroundMedia): Promise<proto.IMessage> {
  const enc = await encryptAsWhatsApp(media.data, ENCRYPTED_AS[media.type]);
  const { url, directPath } = cdn.upload(enc.file);
  const common = {
    url,
    directPath,
    mediaKey: enc.mediaKey,
    fileSha256: enc.fileSha256,
    fileEncSha256: enc.fileEncSha256,
    fileLength: enc.fileLength,
    mimetype: media.mimeType,
    mediaKeyTimestamp: Math.floor(Date.now() / 1000),
  };
  switch (media.type) {
    case 'image':
      return { imageMessage: { ...common, caption: media.caption } };
    case 'video':
      return { videoMessage: { ...common, caption: media.caption } };
    case 'document':
      return { documentMessage: { ...common, fileName: media.fileName ?? 'file', caption: media.caption } };
    case 'sticker':
      return { stickerMessage: common };
    case 'audio':
    case 'voice':
      return { audioMessage: { ...common, ptt: media.type === 'voice' } };
  }
}
