/** Random ids shaped like QStash's (`msg_…`): URL-safe alphanumerics, so they can sit in a path. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomId(prefix: string, length = 24): string {
  let id = prefix;
  // 248 is the largest multiple of 62 below 256: rejecting bytes above it keeps the ids unbiased.
  while (id.length < prefix.length + length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length))) {
      if (byte < 248 && id.length < prefix.length + length) id += ALPHABET[byte % 62];
    }
  }
  return id;
}
