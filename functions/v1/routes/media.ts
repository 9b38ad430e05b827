import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { messages } from '../../../drizzle/schema.ts';
import { ApiError } from '../../errors.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors } from '../openapi.ts';
import { IdParams } from '../schemas.ts';

export const getMediaRoute = createRoute({
  method: 'get',
  path: '/v1/media/{id}',
  operationId: 'getMessageMedia',
  tags: ['Conversations'],
  summary: 'Download a message’s media file',
  description:
    'The decrypted file of an image, audio, voice, video, document or sticker message (`id` is the message’s id; ' +
    'the message’s `media.url` names this route), with its own content type. `404` while the file is not `stored`: ' +
    'the message’s `media.state` and `media.unavailableReason` say why.',
  ...guard(['conversations:read']),
  request: { params: IdParams },
  responses: {
    200: {
      description: 'The file’s bytes.',
      headers: {
        'Content-Type': { description: 'The file’s MIME type, as WhatsApp announced it.', schema: { type: 'string' } },
        'Content-Length': { description: 'The file’s size in bytes.', schema: { type: 'integer' } },
      },
      content: { 'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) } },
    },
    ...errors(400, 403, 404),
  },
});

/** A MIME type safe to echo in a header; anything else is served as bytes. */
const MIME = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/;

export function registerMediaRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getMediaRoute, async (c) => {
    const { id } = c.req.valid('param');
    const s = c.get('services');
    const [row] = await s.db.select({ media: messages.media }).from(messages).where(eq(messages.id, id)).limit(1);
    if (!row) throw new ApiError('NOT_FOUND', `No message with id ${id}.`);
    const media = row.media;
    if (!media) throw new ApiError('NOT_FOUND', `Message ${id} has no media.`);
    if (!media.stored) {
      const why = media.unavailable !== undefined ? `it is unavailable: ${media.unavailable}` : 'it is not fetched yet';
      throw new ApiError('NOT_FOUND', `Message ${id}’s media cannot be downloaded: ${why}.`);
    }
    const bytes = await s.media?.get(media.stored.key);
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
  });
}

function disposition(fileName: string | null): string {
  if (!fileName) return 'inline';
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
