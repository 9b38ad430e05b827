import { z } from 'zod';

/**
 * What the functions ask the socket-host's `/send` to deliver. `waMessageId` is chosen by the functions
 * before sending, so a retried request re-sends the same WhatsApp message instead of a second one.
 */
export const sendRequest = z.object({
  v: z.literal(1),
  sessionId: z.string().min(1).max(64),
  to: z.string().min(1).max(128),
  waMessageId: z.string().regex(/^[0-9A-F]{16,40}$/, 'must be an upper-case hex WhatsApp message id'),
  text: z.string().min(1).max(65_536),
  /** Show "typing…" before sending, for about as long as a person would need to type it. */
  typing: z.boolean().default(true),
});

export type SendRequest = z.infer<typeof sendRequest>;

export const sendResult = z.object({
  waMessageId: z.string(),
  status: z.enum(['sent']),
  /** True when this id had been sent before and was not sent again. */
  duplicate: z.boolean(),
  sentAt: z.iso.datetime(),
});

export type SendResult = z.infer<typeof sendResult>;
