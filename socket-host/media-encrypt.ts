import { readFile, rm } from 'node:fs/promises';
import { encryptedStream, type MediaType } from '@whiskeysockets/baileys';

export type EncryptedMedia = {
  mediaKey: Uint8Array;
  /** What WhatsApp's CDN holds: ciphertext followed by the 10-byte MAC. */
  file: Uint8Array;
  fileSha256: Uint8Array;
  fileEncSha256: Uint8Array;
  fileLength: number;
};

/**
 * Encrypts bytes exactly as WhatsApp does before uploading them, with Baileys' own `encryptedStream`
 * (the playground and the tests use it, so the functions' decryption meets the real scheme).
 */
export async function encryptAsWhatsApp(bytes: Uint8Array, mediaType: MediaType): Promise<EncryptedMedia> {
  const out = await encryptedStream(Buffer.from(bytes), mediaType);
  try {
    const file = new Uint8Array(await readFile(out.encFilePath));
    return { mediaKey: out.mediaKey, file, fileSha256: out.fileSha256, fileEncSha256: out.fileEncSha256, fileLength: out.fileLength };
  } finally {
    await rm(out.encFilePath, { force: true });
  }
}
