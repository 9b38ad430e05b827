/**
 * WhatsApp's media encryption, undone with WebCrypto (the same code on Workers, Vercel and Node).
 * A file on WhatsApp's CDN is AES-256-CBC ciphertext followed by the first 10 bytes of an HMAC-SHA256
 * over iv + ciphertext; iv, cipher key and MAC key are HKDF-SHA256 expansions of the message's
 * 32-byte mediaKey with an info string that names the kind of media.
 */

/** The HKDF info string per message type (what WhatsApp calls the media's "app info"). */
const INFO: Record<string, string> = {
  image: 'WhatsApp Image Keys',
  sticker: 'WhatsApp Image Keys',
  audio: 'WhatsApp Audio Keys',
  voice: 'WhatsApp Audio Keys',
  video: 'WhatsApp Video Keys',
  document: 'WhatsApp Document Keys',
};

const MAC_LENGTH = 10;

/** The file is not what the message says it is (tampered, truncated, the wrong key): never retried. */
export class MediaRefused extends Error {
  override name = 'MediaRefused';
}

export type Expected = { fileSha256?: Uint8Array | null; fileEncSha256?: Uint8Array | null };

export async function decryptMedia(type: string, mediaKey: Uint8Array, file: Uint8Array, expected: Expected = {}): Promise<Uint8Array> {
  const info = INFO[type];
  if (!info) throw new MediaRefused(`a ${type} message has no media`);
  if (mediaKey.length !== 32) throw new MediaRefused('the media key is not 32 bytes');
  const cipherLength = file.length - MAC_LENGTH;
  if (cipherLength < 16 || cipherLength % 16 !== 0) throw new MediaRefused('the file is not whole (its length is not that of an encrypted file)');
  if (expected.fileEncSha256 && !equal(await sha256(file), expected.fileEncSha256)) {
    throw new MediaRefused('the encrypted file’s SHA-256 does not match the message’s');
  }

  const { iv, cipherKey, macKey } = await mediaKeys(mediaKey, info);
  const ciphertext = file.subarray(0, cipherLength);
  const hmacKey = await crypto.subtle.importKey('raw', buf(macKey), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, buf(concat(iv, ciphertext))));
  if (!equal(mac.subarray(0, MAC_LENGTH), file.subarray(cipherLength))) throw new MediaRefused('the file’s MAC does not match (tampered or corrupted)');

  const aesKey = await crypto.subtle.importKey('raw', buf(cipherKey), 'AES-CBC', false, ['decrypt']);
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv: buf(iv) }, aesKey, buf(ciphertext)));
  } catch {
    throw new MediaRefused('the file does not decrypt (bad padding)');
  }
  if (expected.fileSha256 && !equal(await sha256(plain), expected.fileSha256)) {
    throw new MediaRefused('the decrypted file’s SHA-256 does not match the message’s');
  }
  return plain;
}

async function mediaKeys(mediaKey: Uint8Array, info: string) {
  const base = await crypto.subtle.importKey('raw', buf(mediaKey), 'HKDF', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new TextEncoder().encode(info) },
    base,
    112 * 8,
  );
  const expanded = new Uint8Array(bits);
  return { iv: expanded.slice(0, 16), cipherKey: expanded.slice(16, 48), macKey: expanded.slice(48, 80) };
}

export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf(bytes)));
}

/** WebCrypto's types want an ArrayBuffer-backed view; ours always are (never a SharedArrayBuffer). */
const buf = (b: Uint8Array) => b as Uint8Array<ArrayBuffer>;

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Compares every byte whatever the first difference, so timing says nothing about the MAC. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
