/**
 * Where decrypted media is kept for the team: the small part of an S3-compatible bucket's interface
 * the functions use (put, get, delete by key). A local folder implements it (`local-folder-bucket.ts`);
 * a Cloudflare R2 binding (`R2Bucket`: put/get/delete) or any S3 client fits the same three calls.
 */
export interface MediaBucket {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes, or null when nothing is stored under that key. */
  get(key: string): Promise<Uint8Array | null>;
  delete(key: string): Promise<void>;
}

/** 144 random bits: a key says nothing about the message, the customer or the time, and cannot be guessed. */
export function newMediaKey(): string {
  const raw = crypto.getRandomValues(new Uint8Array(18));
  let s = '';
  for (const b of raw) s += String.fromCharCode(b);
  return btoa(s).replaceAll('+', '-').replaceAll('/', '_');
}

export const MEDIA_KEY = /^[A-Za-z0-9_-]{24}$/;
