import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { messages } from '../../../drizzle/schema.ts';
import type { ContactCard, Location } from '../../../shared/contracts/wa-event.ts';
import { newWaMessageId } from '../../outbound/wa-message-id.ts';
import { emitWebhookEvent } from '../../webhooks/emit.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { sendIdempotently } from '../idempotent-send.ts';
import { errors, jsonBody, ok } from '../openapi.ts';
import { limitPerContact } from '../rate-limit.ts';
import { IdempotencyHeaders, SendMessageBody, SESSION_ID } from '../schemas.ts';
import { resolveRecipient, storeApiMessage } from '../send-message.ts';
import { toPublicMessage } from '../views.ts';
import { NOT_OPEN_NOTE, whatsappCommand, WHATSAPP_TAG } from './whatsapp-common.ts';

/**
 * Locations and contact cards. They are not text or files, so they do not take the reply queue
 * (/send stores a text or a file reference): the socket-host sends them at once through the same
 * per-number throttle, under a WhatsApp id derived from the Idempotency-Key, and records them as its
 * own so their echo is not taken for the team writing from the phone. The answer says how it went;
 * once sent, they count and notify (`message.sent`) as every sent message does.
 */

const recipient = {
  to: SendMessageBody.shape.to,
  sessionId: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').default('default').openapi({ description: 'Which linked number sends it.' }),
};

const LocationBody = z
  .strictObject({
    ...recipient,
    latitude: z.number().min(-90).max(90).openapi({ example: -23.5614 }),
    longitude: z.number().min(-180).max(180).openapi({ example: -46.6559 }),
    name: z.string().min(1).max(512).optional().openapi({ description: 'The place’s name, shown above the map.', example: 'Floricultura Paulista' }),
    address: z.string().min(1).max(1024).optional().openapi({ example: 'Av. Paulista, 1000 – São Paulo' }),
  })
  .openapi('SendLocation');

/** vCard 3.0 text values escape backslashes, commas, semicolons and line breaks (RFC 2426 §4). */
const vcardText = (value: string) => value.replace(/[\\,;]/g, (ch) => `\\${ch}`).replace(/\r?\n/g, '\\n');

const ContactItem = z
  .strictObject({
    name: z.string().min(1).max(256).openapi({ description: 'The name the card shows.', example: 'Ana Souza' }),
    phone: z
      .string()
      .regex(/^\+?\d{6,15}$/, 'must be a phone number in international format')
      .optional()
      .openapi({ description: 'Makes the card for you (with the WhatsApp button).', example: '+5511987654321' }),
    vcard: z
      .string()
      .max(8192)
      .regex(/^BEGIN:VCARD\r?\n[\s\S]*END:VCARD\s*$/, 'must be a vCard (BEGIN:VCARD … END:VCARD)')
      .optional()
      .openapi({ description: 'A complete vCard instead of `phone`.' }),
  })
  .refine((c) => (c.phone === undefined) !== (c.vcard === undefined), { message: 'give exactly one of phone and vcard', path: ['phone'] })
  .openapi('ContactCardInput');

const ContactsBody = z
  .strictObject({ ...recipient, contacts: z.array(ContactItem).min(1).max(10).openapi({ description: '1–10 cards; several are sent as one message.' }) })
  .openapi('SendContacts');

const ShareSent = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    status: z.literal('sent').openapi({ description: 'WhatsApp has it: these are sent at once, not queued.' }),
  })
  .openapi('DirectMessageSent');
type Sent = z.infer<typeof ShareSent>;

const SHARE_NOTE =
  'Stored in the recipient’s conversation (author `api`) and sent at once through the number’s throttle, so the answer is final (and `message.sent` fires); an `Idempotency-Key` makes retries safe. ' +
  `Also limited per recipient (API_RATE_LIMIT_PER_CONTACT). ${NOT_OPEN_NOTE}`;

export const sendLocationRoute = createRoute({
  method: 'post',
  path: '/v1/messages/location',
  operationId: 'sendLocation',
  tags: [WHATSAPP_TAG],
  summary: 'Send a location',
  description: `Baileys \`sendMessage(chat, { location: { degreesLatitude, degreesLongitude, name, address } })\`. ${SHARE_NOTE}`,
  ...guard(['messages:write']),
  request: { headers: IdempotencyHeaders, body: jsonBody(LocationBody) },
  responses: { 200: ok(ShareSent, 'Sent.'), ...errors(400, 403, 409, 413, 415, 503) },
});

export const sendContactsRoute = createRoute({
  method: 'post',
  path: '/v1/messages/contacts',
  operationId: 'sendContacts',
  tags: [WHATSAPP_TAG],
  summary: 'Send contact cards',
  description: `Baileys \`sendMessage(chat, { contacts: { displayName, contacts: [{ vcard }] } })\`. ${SHARE_NOTE}`,
  ...guard(['messages:write']),
  request: { headers: IdempotencyHeaders, body: jsonBody(ContactsBody) },
  responses: { 200: ok(ShareSent, 'Sent.'), ...errors(400, 403, 409, 413, 415, 503) },
});

type Share = { text: string; location?: Location; contacts?: ContactCard[]; content: unknown };

/** Stores the message, sends it, and records the outcome on it: `failed` with the reason, or `sent`. */
async function share(c: Context<V1Env>, path: string, body: { to: string; sessionId: string }, idempotencyKey: string | undefined, what: Share): Promise<Sent> {
  const s = c.get('services');
  return await sendIdempotently<Sent>(
    c,
    path,
    body,
    idempotencyKey,
    async (keyed) => {
      const to = await resolveRecipient(s.db, body.sessionId, body.to);
      await limitPerContact(c, s, body.sessionId, to.jid);
      const waMessageId = keyed ?? newWaMessageId();
      const stored = await storeApiMessage(s.db, { sessionId: body.sessionId, text: what.text, location: what.location, contacts: what.contacts, waMessageId }, to);
      const answer = { id: stored.id, conversationId: stored.conversationId, status: 'sent' as const };
      if (stored.status !== 'queued' && stored.status !== 'failed') return answer;
      const mark = (status: 'sent' | 'failed', error: string | null) =>
        s.db
          .update(messages)
          .set({ status, error, updatedAt: sql`now()` })
          .where(and(eq(messages.id, stored.id), eq(messages.status, stored.status)))
          .returning();
      try {
        await whatsappCommand(s, body.sessionId, '/messages', { jid: to.jid, messageId: waMessageId, content: what.content });
      } catch (err) {
        await mark('failed', (err as Error).message.slice(0, 500)).catch(() => undefined);
        throw err;
      }
      const [sent] = await mark('sent', null);
      // As for every message sent (outbound/deliver.ts): counted, and `message.sent` for subscribers, once.
      if (sent) {
        s.usage.add('messages.sent');
        await emitWebhookEvent(s, 'message.sent', { sessionId: body.sessionId, conversationId: sent.conversationId, to: to.jid, message: toPublicMessage(sent) }, { key: sent.id });
      }
      return answer;
    },
    200,
  );
}

export function registerShareRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(sendLocationRoute, async (c) => {
    const body = c.req.valid('json');
    const { latitude, longitude, name, address } = body;
    const location: Location = { latitude, longitude, name: name ?? null, address: address ?? null, live: false };
    const content = { location: { degreesLatitude: latitude, degreesLongitude: longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) } };
    const sent = await share(c, '/v1/messages/location', body, c.req.valid('header')['idempotency-key'], { text: name ?? '', location, content });
    return c.json(sent, 200);
  });

  app.openapi(sendContactsRoute, async (c) => {
    const body = c.req.valid('json');
    const cards = body.contacts.map(({ name, phone, vcard }) => {
      const digits = phone?.replace(/^\+/, '');
      return {
        name,
        vcard: vcard ?? `BEGIN:VCARD\nVERSION:3.0\nFN:${vcardText(name)}\nTEL;type=CELL;waid=${digits}:+${digits}\nEND:VCARD`,
      };
    });
    const displayName = cards.length === 1 ? cards[0]!.name : `${cards.length} contacts`;
    const content = { contacts: { displayName, contacts: cards.map((card) => ({ displayName: card.name, vcard: card.vcard })) } };
    const contacts: ContactCard[] = cards;
    const sent = await share(c, '/v1/messages/contacts', body, c.req.valid('header')['idempotency-key'], { text: displayName, contacts, content });
    return c.json(sent, 200);
  });
}
