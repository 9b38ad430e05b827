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
