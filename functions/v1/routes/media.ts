import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { messages } from '../../../drizzle/schema.ts';
import { ApiError } from '../../errors.ts';
import { mediaResponse } from '../../media/media-response.ts';
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

export function registerMediaRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(getMediaRoute, async (c) => {
    const { id } = c.req.valid('param');
    const s = c.get('services');
    const [row] = await s.db.select({ media: messages.media }).from(messages).where(eq(messages.id, id)).limit(1);
    if (!row) throw new ApiError('NOT_FOUND', `No message with id ${id}.`);
    return mediaResponse(c, s.media, id, row.media);
  });
}

