import { and, desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { conversations, messages } from '../../drizzle/schema.ts';
import { ApiError } from '../errors.ts';
import type { HonoEnv } from '../hono-env.ts';
import { callSocketHost } from '../outbound/socket-host-client.ts';
import { playgroundPage } from './page.ts';

export const PLAYGROUND_SESSION = 'playground';

const injectBody = z
  .strictObject({
    from: z.string().regex(/^\+?\d{5,20}$/, 'must be a phone number (digits, optional +)'),
    /** The message, or the caption of `media`. */
    text: z.string().max(4096).optional(),
    id: z.string().regex(/^[0-9A-Za-z]{6,64}$/, 'must be 6-64 letters or digits').optional(),
    /** A file the customer sends, encrypted and served as WhatsApp does (the body limit applies: 256 KiB). */
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

playground.get('/', (c) => c.html(playgroundPage()));

playground.post('/messages', async (c) => {
  const parsed = injectBody.safeParse(await c.req.json().catch(() => undefined));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError('VALIDATION_FAILED', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  const from = parsed.data.from.replace(/^\+/, '');
  const res = await callSocketHost(c.get('services'), '/playground/inject', { ...parsed.data, from }, 10_000).catch(() => undefined);
  if (!res?.ok) throw new ApiError('UNAVAILABLE', 'The socket-host did not take the message; is it running?');
  const { id } = (await res.json()) as { id: string };
  return c.json({ id, status: 'accepted' }, 202);
});

playground.get('/messages', async (c) => {
  const from = (c.req.query('from') ?? '').replace(/^\+/, '');
  if (!/^\d{5,20}$/.test(from)) throw new ApiError('VALIDATION_FAILED', 'from: must be a phone number');
  const rows = await c
    .get('services')
    .db.select({ id: messages.id, direction: messages.direction, author: messages.author, text: messages.text, status: messages.status, createdAt: messages.createdAt })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.sessionId, PLAYGROUND_SESSION), eq(conversations.phone, from)))
    .orderBy(desc(messages.createdAt))
    .limit(50);
  return c.json({ data: rows.reverse().filter((m) => m.text) });
});
