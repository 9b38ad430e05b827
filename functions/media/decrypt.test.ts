import { describe, expect, it } from 'vitest';
import { encryptAsWhatsApp } from '../../socket-host/media-encrypt.ts';
import { decryptMedia, MediaRefused } from './decrypt.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

// Baileys' media types (the HKDF "app info" it encrypts with) against the message types we store.
const kinds = [
  { type: 'image', baileys: 'image', size: 48_211 },
  { type: 'voice', baileys: 'audio', size: 5_123 },
  { type: 'document', baileys: 'document', size: 100_000 },
  { type: 'sticker', baileys: 'sticker', size: 20_480 },
] as const;

describe('WhatsApp media decryption (files encrypted by Baileys itself)', () => {
  it.each(kinds)('a $type file decrypts to the original bytes and its hashes check', async ({ type, baileys, size }) => {
    const plain = bytes(size, size);
    const enc = await encryptAsWhatsApp(plain, baileys);
    const out = await decryptMedia(type, enc.mediaKey, enc.file, { fileSha256: enc.fileSha256, fileEncSha256: enc.fileEncSha256 });
    expect(Buffer.from(out).equals(Buffer.from(plain))).toBe(true);
  });

  it('a tampered file is refused by its MAC', async () => {
    const enc = await encryptAsWhatsApp(bytes(4096, 1), 'image');
    const file = enc.file.slice();
    file[100]! ^= 1;
    await expect(decryptMedia('image', enc.mediaKey, file)).rejects.toThrow(/MAC does not match/);
    // With the message's hash of the encrypted file, it is refused before any key is derived.
    await expect(decryptMedia('image', enc.mediaKey, file, { fileEncSha256: enc.fileEncSha256 })).rejects.toBeInstanceOf(MediaRefused);
  });

  it('the wrong kind of key (a voice note decrypted as an image) and a truncated file are refused', async () => {
    const enc = await encryptAsWhatsApp(bytes(2000, 2), 'audio');
    await expect(decryptMedia('image', enc.mediaKey, enc.file)).rejects.toThrow(/MAC does not match/);
    await expect(decryptMedia('voice', enc.mediaKey, enc.file.subarray(0, 100))).rejects.toThrow(/not whole/);
  });

  it('a plaintext hash that does not match is refused', async () => {
    const enc = await encryptAsWhatsApp(bytes(300, 3), 'document');
    await expect(decryptMedia('document', enc.mediaKey, enc.file, { fileSha256: new Uint8Array(32) })).rejects.toThrow(/decrypted file’s SHA-256/);
  });
});
