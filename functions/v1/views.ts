import { z } from '@hono/zod-openapi';
import type { conversations, messages, StoredMedia } from '../../drizzle/schema.ts';
import { messageTypes } from '../../shared/contracts/wa-event.ts';

/** The public shapes of stored rows: the API answers and the webhook events use the same ones. */

export const MessageSchema = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    direction: z.enum(['in', 'out']).openapi({ description: '`in` from the customer, `out` to the customer.' }),
    author: z
      .enum(['customer', 'agent', 'human', 'api'])
      .openapi({ description: 'Who wrote it: the customer, the AI agent, a person on the team’s phone, or an API client.' }),
    type: z.enum(messageTypes).openapi({
      description: 'What the message is. A media message’s caption is its `text` (empty when it has none).',
      example: 'text',
    }),
    text: z.string(),
    media: z
      .object({
        mimeType: z.string().nullable().openapi({ example: 'audio/ogg; codecs=opus' }),
        size: z.int().nullable().openapi({ description: 'Bytes: of the stored file, else as WhatsApp announced it.', example: 5123 }),
        fileName: z.string().optional().openapi({ description: 'For documents, the file’s name.' }),
        url: z.string().openapi({
          description: 'Downloads the decrypted file with the API key (scope `conversations:read`), relative to the API’s base URL; `404` unless `state` is `stored`.',
          example: '/v1/media/0b9d6c7e-2f4a-4c4e-9d7a-7d1f0f3c8a11',
        }),
        state: z.enum(['pending', 'stored', 'unavailable']).openapi({
          description: '`stored` once the file was fetched from WhatsApp, checked and kept; `unavailable` when it could not be (see `unavailableReason`); `pending` briefly in between.',
          example: 'stored',
        }),
        unavailableReason: z.string().optional().openapi({
          description: 'Why the file could not be kept: tampered (its MAC or hash does not match), larger than the deployment’s limit, no longer on WhatsApp’s servers…',
          example: 'the file’s MAC does not match (tampered or corrupted)',
        }),
      })
      .nullable()
      .openapi({ description: 'For image, audio, voice, video, document and sticker messages: what the file is.' }),
    transcript: z.string().nullable().openapi({
      description: 'For voice notes and audio: the words, transcribed once when the message arrived (`AI_TRANSCRIPTION_MODEL`); null when there is no transcription model or it failed.',
      example: 'Oi, vocês abrem amanhã?',
    }),
    location: z
      .object({
        latitude: z.number().openapi({ example: -23.5614 }),
        longitude: z.number().openapi({ example: -46.6559 }),
        name: z.string().nullable(),
        address: z.string().nullable(),
        live: z.boolean().openapi({ description: 'A live location (its first position).' }),
      })
      .nullable()
      .openapi({ description: 'For location messages.' }),
    contacts: z
      .array(z.object({ name: z.string().nullable(), vcard: z.string().nullable() }))
      .nullable()
      .openapi({ description: 'For contact messages: the cards shared (at most 10), with their vCards.' }),
    deleted: z.boolean().openapi({ description: 'The customer deleted it for everyone (its text stays visible to the team).' }),
    edited: z.boolean().openapi({ description: 'The customer edited it; `text` is the edited text.' }),
    reactions: z
      .array(
        z.object({
          emoji: z.string().openapi({ example: '👍' }),
          from: z.enum(['customer', 'team']).openapi({ description: 'The customer, or the team on the linked phone.' }),
        }),
      )
      .openapi({ description: 'Reactions to this message, one per person.' }),
    status: z.string().openapi({
      description: 'Inbound: `received`. Outbound: `queued`, `sent`, `delivered`, `read`, `played` or `failed`.',
      example: 'sent',
    }),
    createdAt: z.iso.datetime(),
  })
  .openapi('Message');

export type PublicMessage = z.infer<typeof MessageSchema>;

export const ConversationSchema = z
  .object({
    id: z.uuid(),
    sessionId: z.string().openapi({ description: 'The linked WhatsApp number (socket-host session).', example: 'default' }),
    contactJid: z.string().openapi({ description: 'The customer’s WhatsApp chat id.', example: '4915112345678@s.whatsapp.net' }),
    contactId: z.string().openapi({
      description: 'The customer, for `DELETE /v1/contacts/{id}`: the same on every linked number that talks to them (their chat id).',
      example: '4915112345678@s.whatsapp.net',
    }),
    phone: z.string().nullable().openapi({ description: 'The customer’s phone number (digits), when known.', example: '4915112345678' }),
    name: z.string().nullable().openapi({ description: 'The customer’s WhatsApp display name, when known.' }),
    paused: z.boolean().openapi({ description: 'True while a human has taken over and the agent stays silent.' }),
    pausedUntil: z.iso.datetime().nullable(),
    needsHuman: z.boolean().openapi({
      description: 'True since the agent handed the customer to a person (handoff_to_human), until the conversation is resumed.',
    }),
    lastMessageAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Conversation');

export type PublicConversation = z.infer<typeof ConversationSchema>;

type StoredRow = typeof messages.$inferSelect;
/** Outbound rows read for a status change may leave out what only inbound messages have. */
type MessageRow = Pick<StoredRow, 'id' | 'conversationId' | 'direction' | 'author' | 'text' | 'status' | 'createdAt'> &
  Partial<Pick<StoredRow, 'type' | 'media' | 'transcript' | 'location' | 'contacts' | 'reactions' | 'deletedAt' | 'editedAt'>>;
type ConversationRow = Pick<
  typeof conversations.$inferSelect,
  'id' | 'sessionId' | 'contactJid' | 'phone' | 'name' | 'pausedUntil' | 'needsHumanSince' | 'lastMessageAt' | 'createdAt'
>;

export function toPublicMessage(row: MessageRow): PublicMessage {
  return {
    id: row.id,
    conversationId: row.conversationId,
    direction: row.direction,
    author: row.author,
    type: row.type ?? 'text',
    text: row.text,
    // Only what the team may see: the reference to WhatsApp's encrypted file stays private.
    media: row.media ? publicMedia(row.id, row.media) : null,
    transcript: row.transcript ?? null,
    location: row.location ?? null,
    contacts: row.contacts ?? null,
    deleted: Boolean(row.deletedAt),
    edited: Boolean(row.editedAt),
    reactions: row.reactions ?? [],
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

function publicMedia(messageId: string, m: StoredMedia): NonNullable<PublicMessage['media']> {
  const state = m.stored ? 'stored' : m.unavailable !== undefined ? 'unavailable' : 'pending';
  return {
    mimeType: m.mimeType,
    size: m.stored?.size ?? m.size,
    ...(m.fileName ? { fileName: m.fileName } : {}),
    url: `/v1/media/${messageId}`,
    state,
    ...(state === 'unavailable' ? { unavailableReason: m.unavailable } : {}),
  };
}

export function toPublicConversation(row: ConversationRow, now = Date.now()): PublicConversation {
  return {
    id: row.id,
    sessionId: row.sessionId,
    contactJid: row.contactJid,
    contactId: row.contactJid,
    phone: row.phone,
    name: row.name,
    paused: row.pausedUntil !== null && row.pausedUntil.getTime() > now,
    pausedUntil: row.pausedUntil?.toISOString() ?? null,
    needsHuman: row.needsHumanSince !== null,
    lastMessageAt: row.lastMessageAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
