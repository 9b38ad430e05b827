import type { Context } from 'hono';
import type { StoredMedia } from '../../drizzle/schema.ts';
import { ApiError } from '../errors.ts';
import type { MediaBucket } from './bucket.ts';

/** A MIME type safe to echo in a header; anything else is served as bytes. */
const MIME = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/;

/**
 * The decrypted file of message `id` as a response with its own content type, or a 404 saying why
 * it cannot be had. Shared by `/v1/media/{id}` and the playground's `/playground/media/{id}`.
 */
export async function mediaResponse(c: Context, bucket: MediaBucket | undefined, id: string, media: StoredMedia | null): Promise<Response> {
  if (!media) throw new ApiError('NOT_FOUND', `Message ${id} has no media.`);
  if (!media.stored) {
    const why = media.unavailable !== undefined ? `it is unavailable: ${media.unavailable}` : 'it is not fetched yet';
    throw new ApiError('NOT_FOUND', `Message ${id}’s media cannot be downloaded: ${why}.`);
  }
  const bytes = await bucket?.get(media.stored.key);
  if (!bytes) throw new ApiError('NOT_FOUND', `Message ${id}’s media is no longer stored.`);
  const type = media.mimeType && MIME.test(media.mimeType) ? media.mimeType : 'application/octet-stream';
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': type,
    'Content-Length': String(bytes.length),
    // Files come from customers: never rendered as a page of ours, and saved under their own name.
    'Content-Security-Policy': "default-src 'none'; sandbox",
    'Content-Disposition': disposition(media.fileName),
    'Cache-Control': 'private, max-age=3600',
  });
}

function disposition(fileName: string | null | undefined): string {
  if (!fileName) return 'inline';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
