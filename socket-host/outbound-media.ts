/**
 * The files the socket-host sends: downloaded from the functions (where `POST /v1/messages` kept them)
 * when their turn comes, signed as QStash signs (the functions' /hooks accept nothing else), and turned
 * into the Baileys content that sends them. Baileys encrypts and uploads them to WhatsApp itself.
 */
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { OutboundMediaRef } from '../shared/contracts/send-request.ts';
import { signQStashJwt } from '../shared/qstash-jwt.ts';

/** WhatsApp's own ceiling for a document is 2 GB, but nothing the functions keep is larger than this. */
export const MAX_OUTBOUND_MEDIA_BYTES = 100 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** The file is gone or refused for good: sending it again cannot succeed. */
export class MediaGone extends Error {
  override name = 'MediaGone';
}

export type MediaDownloader = (ref: OutboundMediaRef) => Promise<Uint8Array>;

/**
 * Downloads only from the functions' own address (PUBLIC_URL): a /send request can never make this
 * host fetch, and sign for, anything else.
 */
export function createMediaDownloader(options: { publicUrl: string; signingKey: string; fetch?: typeof fetch }): MediaDownloader {
  const base = new URL(options.publicUrl);
  const doFetch = options.fetch ?? fetch;
  return async (ref) => {
    const url = new URL(ref.url);
    if (url.origin !== base.origin) throw new MediaGone(`media url ${url.origin} is not this deployment's PUBLIC_URL`);
    const signature = await signQStashJwt({ signingKey: options.signingKey, url: url.toString(), body: new Uint8Array() });
    const res = await doFetch(url, { headers: { 'upstash-signature': signature }, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!res.ok) {
      const why = `the functions answered ${res.status} for the file to send`;
      // 5xx and 429 are passing trouble (retried with the send); any other refusal is final.
      if (res.status >= 500 || res.status === 429) throw new Error(why);
      throw new MediaGone(why);
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (bytes.length > MAX_OUTBOUND_MEDIA_BYTES) throw new MediaGone(`the file to send is larger than ${MAX_OUTBOUND_MEDIA_BYTES} bytes`);
    return bytes;
  };
}

/** Baileys' content for a file and its caption (a voice note is audio with `ptt`, and carries none). */
export function mediaContent(ref: OutboundMediaRef, bytes: Uint8Array, caption: string): AnyMessageContent {
  const file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const withCaption = caption ? { caption } : {};
  switch (ref.type) {
    case 'image':
      return { image: file, mimetype: ref.mimeType, ...withCaption };
    case 'video':
      return { video: file, mimetype: ref.mimeType, ...withCaption };
    case 'audio':
      return { audio: file, mimetype: ref.mimeType, ptt: false };
    case 'voice':
      return { audio: file, mimetype: ref.mimeType, ptt: true };
    case 'document':
      return { document: file, mimetype: ref.mimeType, fileName: ref.fileName ?? 'file', ...withCaption };
  }
}
