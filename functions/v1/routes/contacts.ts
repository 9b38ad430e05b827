import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { ApiError } from '../../errors.ts';
import { eraseContact, MediaNotErased } from '../../contacts/erase.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, noContent } from '../openapi.ts';

const ContactParams = z.object({
  id: z
    .string()
    .min(3)
    .max(128)
    .regex(/^[^@\s/]+@[a-z.]+$/, 'must be a conversation’s contactId, e.g. 4915112345678@s.whatsapp.net')
    .openapi({ param: { name: 'id', in: 'path' }, description: 'A conversation’s `contactId`.', example: '4915112345678@s.whatsapp.net' }),
});

export const eraseContactRoute = createRoute({
  method: 'delete',
  path: '/v1/contacts/{id}',
  operationId: 'eraseContact',
  tags: ['Conversations'],
  summary: 'Erase everything stored about a contact (LGPD / GDPR right to erasure)',
  description:
    'Deletes the contact’s conversations on every linked number (matched by `contactId`, and by the phone number those conversations have), ' +
    'with their messages, summaries and media files, the webhook deliveries whose payload names the contact, the records of messages sent to it, and Idempotency-Key replays holding them. ' +
    'Afterwards those conversations and messages answer `404`, and so does a second erasure. Kept: the linked number’s encryption keys for the contact (WhatsApp needs them; they hold no content) and daily usage counts. ' +
    'Irreversible, so it needs an admin key (`keys:admin`). `503` if a media file could not be deleted: nothing else was, and the call can be repeated.',
  ...guard(['keys:admin']),
  request: { params: ContactParams },
  responses: { 204: noContent, ...errors(400, 403, 404, 503) },
});

export function registerContactRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(eraseContactRoute, async (c) => {
    const { id } = c.req.valid('param');
    const s = c.get('services');
    try {
      const erased = await eraseContact({ db: s.db, media: s.media }, id);
      if (!erased) throw new ApiError('NOT_FOUND', `Nothing is stored about contact ${id}.`);
      // Counts only: the log never names the contact it erased.
      s.log.info({ erased }, 'contact erased');
    } catch (error) {
      if (error instanceof MediaNotErased) throw new ApiError('UNAVAILABLE', 'A media file could not be deleted from the media bucket; nothing else was. Try again.');
      throw error;
    }
    return c.body(null, 204);
  });
}
