import { and, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { conversations, messages } from '../../drizzle/schema.ts';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { mediaResponse } from '../media/media-response.ts';
import { callSocketHost } from '../outbound/socket-host-client.ts';
import { toPublicMessage } from '../v1/views.ts';
import { playgroundPage } from './page.ts';

export const PLAYGROUND_SESSION = 'playground';

const injectBody = z
  .strictObject({
    from: z.string().regex(/^\+?\d{5,20}$/, 'must be a phone number (digits, optional +)'),
    /** The message, or the caption of `media`. */
    text: z.string().max(4096).optional(),
    id: z.string().regex(/^[0-9A-Za-z]{6,64}$/, 'must be 6-64 letters or digits').optional(),
    /** A file the customer sends, encrypted and served as WhatsApp does (at most MEDIA_MAX_BYTES). */
    media: z
      .strictObject({
        type: z.enum(['image', 'audio', 'voice', 'video', 'document', 'sticker']),
        mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/, 'must be a MIME type such as image/jpeg'),
        data: z.base64('must be base64').min(1, 'must not be empty'),
        fileName: z.string().min(1).max(512).optional(),
      })
      .optional(),
    location: z
      .strictObject({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().max(512).optional() })
      .optional(),
  })
  .refine((b) => b.text || b.media || b.location, { message: 'is required unless media or location is given', path: ['text'] });

/**
 * Local mode only: chat with the agent as a customer would. A message is injected into the
 * socket-host's playground session and travels the real path (socket-host → queue → functions →
 * agent → /send); replies are read back from the database.
 */
export const playground = new Hono<HonoEnv>();

playground.use(async (c, next) => {
  if (c.get('services').config.MODE !== 'local') throw new ApiError('NOT_FOUND', 'The playground exists only in local mode.');
  await next();
});

playground.get('/', (c) => c.html(playgroundPage({ maxBytes: c.get('services').config.MEDIA_MAX_BYTES })));

playground.post('/messages', async (c) => {
  const parsed = injectBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError('VALIDATION_FAILED', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const maxBytes = c.get('services').config.MEDIA_MAX_BYTES;
  if (parsed.data.media && base64Bytes(parsed.data.media.data) > maxBytes) {
    throw new ApiError('PAYLOAD_TOO_LARGE', `media.data: the file is larger than MEDIA_MAX_BYTES (${maxBytes} bytes).`);
  }
  const from = parsed.data.from.replace(/^\+/, '');
  const res = await callSocketHost(c.get('services'), '/playground/inject', { ...parsed.data, from }, 10_000).catch(() => undefined);
  if (!res?.ok) throw new ApiError('UNAVAILABLE', 'The socket-host did not take the message; is it running?');
  const { id } = (await res.json()) as { id: string };
  return c.json({ id, status: 'accepted' }, 202);
});

/** The customer's last 50 messages and the replies, as `/v1` shows them, with files served by `/playground/media`. */
playground.get('/messages', async (c) => {
  const from = (c.req.query('from') ?? '').replace(/^\+/, '');
  if (!/^\d{5,20}$/.test(from)) throw new ApiError('VALIDATION_FAILED', 'from: must be a phone number');
  const rows = await c
    .get('services')
    .db.select({ message: messages })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.sessionId, PLAYGROUND_SESSION), eq(conversations.phone, from)))
    .orderBy(desc(messages.createdAt))
    .limit(50);
  const shown = rows.reverse().map(({ message }) => {
    const m = toPublicMessage(message);
    // The page has no API key: its files come from the playground's own route.
    return m.media ? { ...m, media: { ...m.media, url: `/playground/media/${m.id}` } } : m;
  });
  // A text message without text (a reaction kept as its own row, say) has nothing to show.
  return c.json({ data: shown.filter((m) => m.type !== 'text' || m.text) });
});

/** The file of a playground message, for the page (no API key: local mode only, playground session only). */
playground.get('/media/:id', async (c) => {
  const id = c.req.param('id');
  const s = c.get('services');
  const found = z.uuid().safeParse(id).success
    ? await s.db
        .select({ media: messages.media })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.id, id), eq(conversations.sessionId, PLAYGROUND_SESSION)))
        .limit(1)
    : [];
  if (!found[0]) throw new ApiError('NOT_FOUND', `No playground message with id ${id}.`);
  return mediaResponse(c, s.media, id, found[0].media);
});

/** The bytes a base64 string decodes to, without decoding it. */
const base64Bytes = (data: string) => Math.floor((data.length * 3) / 4) - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
