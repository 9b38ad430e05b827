import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { and, desc, eq, or } from 'drizzle-orm';
import { conversations } from '../../../drizzle/schema.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, ok } from '../openapi.ts';
import { NOT_OPEN_NOTE, whatsappCommand, WHATSAPP_TAG, WhatsAppSessionParams } from './whatsapp-common.ts';

const ProfileParams = WhatsAppSessionParams.extend({
  contact: z
    .string()
    .max(128)
    .regex(/^(?:\+?\d{6,15}|[\d-]{5,64}@(?:s\.whatsapp\.net|lid))$/, 'must be a phone number in international format or a contactId (…@s.whatsapp.net, …@lid)')
    .openapi({ param: { name: 'contact', in: 'path' }, description: 'A phone number or a conversation’s `contactId`.', example: '5511987654321@s.whatsapp.net' }),
});

const ContactProfile = z
  .object({
    contactId: z.string().openapi({ description: 'The chat id the profile was read for.', example: '123456789012345@lid' }),
    phone: z.string().nullable().openapi({ example: '5511987654321' }),
    name: z.string().nullable().openapi({ description: 'The name the customer gave WhatsApp (their “push name”), as last seen on one of their messages; null before they wrote.', example: 'Ana' }),
    pictureUrl: z.string().nullable().openapi({
      description: 'Their profile picture on WhatsApp’s servers (a temporary URL: fetch it soon); null when they have none or their privacy settings hide it.',
      example: 'https://pps.whatsapp.net/v/t61.24694-24/123_n.jpg',
    }),
  })
  .openapi('ContactProfile');

export const contactProfileRoute = createRoute({
  method: 'get',
  path: '/v1/sessions/{id}/contacts/{contact}/profile',
  operationId: 'getContactProfile',
  tags: [WHATSAPP_TAG],
  summary: 'A contact’s profile name and picture',
  description: `The name from the contact’s stored conversation with this number, the picture from WhatsApp (Baileys \`profilePictureUrl(jid, 'image')\`). ${NOT_OPEN_NOTE}`,
  ...guard(['conversations:read']),
  request: { params: ProfileParams },
  responses: { 200: ok(ContactProfile, 'The profile.'), ...errors(400, 403, 404, 409, 503) },
});

export function registerProfileRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(contactProfileRoute, async (c) => {
    const s = c.get('services');
    const { id, contact } = c.req.valid('param');
    const phone = contact.includes('@') ? (contact.endsWith('@s.whatsapp.net') ? contact.split('@')[0]! : null) : contact.replace(/^\+/, '');
    // The stored conversation knows the name, and the chat id WhatsApp gave (often the LID for a phone).
    const [known] = await s.db
      .select({ jid: conversations.contactJid, phone: conversations.phone, name: conversations.name })
      .from(conversations)
      .where(and(eq(conversations.sessionId, id), or(eq(conversations.contactJid, contact), ...(phone ? [eq(conversations.phone, phone)] : []))))
      .orderBy(desc(conversations.lastMessageAt))
      .limit(1);
    const jid = known?.jid ?? (contact.includes('@') ? contact : `${phone}@s.whatsapp.net`);
    const { url } = await whatsappCommand<{ url: string | null }>(s, id, `/profile-picture?jid=${encodeURIComponent(jid)}`);
    return c.json({ contactId: jid, phone: known?.phone ?? phone, name: known?.name ?? null, pictureUrl: url }, 200);
  });
}
