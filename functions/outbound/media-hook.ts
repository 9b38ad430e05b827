import { and, eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { messages } from '../../drizzle/schema.ts';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { mediaResponse } from '../media/media-response.ts';

/** Mounted under /hooks, so only a QStash-signed request (the socket-host signs as QStash does) gets a file. */
export const OUTBOUND_MEDIA_HOOK_PATH = '/hooks/media';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GET /hooks/media/{id}: the file of an outbound message (sent with POST /v1/messages or a human
 * reply), for the socket-host to send when its turn comes. Inbound files are not served here.
 */
export async function outboundMediaHook(c: Context<HonoEnv>): Promise<Response> {
  const id = c.req.param('id') ?? '';
  if (!UUID.test(id)) throw new ApiError('NOT_FOUND', `No outbound message with id ${id}.`);
  const s = c.get('services');
  const [row] = await s.db
    .select({ media: messages.media })
    .from(messages)
    .where(and(eq(messages.id, id), eq(messages.direction, 'out')))
    .limit(1);
  if (!row) throw new ApiError('NOT_FOUND', `No outbound message with id ${id}.`);
  return mediaResponse(c, s.media, id, row.media);
}
