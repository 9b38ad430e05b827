import { z } from 'zod';

export const OUTBOUND_MEDIA_TYPES = ['image', 'audio', 'voice', 'video', 'document'] as const;
export type OutboundMediaType = (typeof OUTBOUND_MEDIA_TYPES)[number];

/**
 * A file to send, kept by the functions: the socket-host downloads it from `url` (one of the functions'
 * own `/hooks/media/…` routes, with a signed GET) when its turn to be sent comes, so no file crosses
 * the queue or sits in the socket-host's table.
 */
export const outboundMediaRef = z.object({
  type: z.enum(OUTBOUND_MEDIA_TYPES),
  mimeType: z.string().min(3).max(255),
  fileName: z.string().min(1).max(255).optional(),
  url: z.url({ protocol: /^https?$/ }),
});
export type OutboundMediaRef = z.infer<typeof outboundMediaRef>;

/**
 * What the functions ask the socket-host's `/send` to deliver. `waMessageId` is chosen by the functions
 * before sending, so a retried request re-sends the same WhatsApp message instead of a second one.
 */
export const sendRequest = z.object({
  v: z.literal(1),
  sessionId: z.string().min(1).max(64),
  to: z.string().min(1).max(128),
  waMessageId: z.string().regex(/^[0-9A-F]{16,40}$/, 'must be an upper-case hex WhatsApp message id'),
  /** The message, or the caption of `media` (then it may be empty). */
  text: z.string().max(65_536),
  /** Show "typing…" (or "recording audio…" for a voice note) before sending, as a person would. */
  typing: z.boolean().default(true),
  media: outboundMediaRef.optional(),
}).refine((r) => r.text.length > 0 || r.media, { message: 'must not be empty without media', path: ['text'] });

export type SendRequest = z.infer<typeof sendRequest>;

/**
 * `/send`'s answer: the send's state when the host answers. `queued` (HTTP 202) means accepted and
 * durably recorded but not sent within the host's answer bound: the outcome then arrives later as a
 * `message.status` event (`sent` or `failed`). `sent` and `failed` (HTTP 200) are final.
 */
export const sendResult = z.object({
  waMessageId: z.string(),
  status: z.enum(['queued', 'sent', 'failed']),
  /** True when this id had been asked for before (it is never sent twice). */
  duplicate: z.boolean(),
  /** When WhatsApp accepted it (`sent` only). */
  sentAt: z.iso.datetime().optional(),
  /** Why WhatsApp refused it (`failed` only). */
  error: z.string().optional(),
});

export type SendResult = z.infer<typeof sendResult>;
