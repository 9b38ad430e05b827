import { z } from '@hono/zod-openapi';
import { SCOPES } from '../keys/api-keys.ts';
import { WEBHOOK_EVENTS } from '../webhooks/events.ts';
import { ConversationSchema, MessageSchema } from './views.ts';

/** Request and response schemas of /v1: they validate, type the handlers and generate openapi.json. */

/** A linked number's session id, as the socket-host names sessions. */
export const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string().openapi({ example: 'text: Too small: expected string to have >=1 characters' }),
      requestId: z.string(),
      details: z
        .array(z.object({ field: z.string(), message: z.string() }))
        .optional()
        .openapi({ description: 'For 400 VALIDATION_FAILED: every invalid field.' }),
    }),
  })
  .openapi('Error');

export const IdParams = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0b0e9a4e-2f8f-4a57-9b8f-5e4c3b9e1a11' }),
});

export const PageQuery = z.object({
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: 'The `nextCursor` of the previous page; omit for the first page.' }),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 100')
    .optional()
    .openapi({ description: 'Items per page, 1–100 (default 20).', example: '20' }),
});

const nextCursor = z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last page.' });

export const ConversationPage = z.object({ data: z.array(ConversationSchema), nextCursor }).openapi('ConversationPage');
export const MessagePage = z.object({ data: z.array(MessageSchema), nextCursor }).openapi('MessagePage');

export const SendMessageBody = z
  .strictObject({
    to: z
      .string()
      .max(128)
      .regex(
        /^(?:\+?\d{6,15}|[\d-]{5,64}@(?:s\.whatsapp\.net|lid|g\.us))$/,
        'must be a phone number in international format (digits, optional +) or a WhatsApp chat id',
      )
      .openapi({
        description: 'A phone number in international format (digits, optional +) or a chat id (…@s.whatsapp.net, …@lid, …@g.us).',
        example: '+4915112345678',
      }),
    text: z
      .string()
      .min(1, { abort: true })
      .max(4096)
      .refine((t) => t.trim().length > 0, 'must not be blank')
      .openapi({ description: 'The message, 1–4096 characters.', example: 'Your order 1042 has shipped.' }),
    sessionId: z
      .string()
      .regex(SESSION_ID, 'must be 1-64 letters, digits, - or _')
      .default('default')
      .openapi({ description: 'Which linked number sends it.' }),
  })
  .openapi('SendMessage');

export const IdempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be 1-255 visible ASCII characters')
    .optional()
    .openapi({ description: 'Makes retries safe: the same key with the same body answers the first answer again (for 24 hours).' }),
});

export const MessageAccepted = z
  .object({
    id: z.uuid(),
    conversationId: z.uuid(),
    status: z.enum(['queued']).openapi({ description: 'Follow it with GET …/messages or the message.sent / message.status webhooks.' }),
  })
  .openapi('MessageAccepted');

export const PauseBody = z
  .strictObject({
    minutes: z.int().min(1).max(43_200).optional().openapi({ description: 'Default: the agent’s humanPauseMinutes.' }),
  })
  .openapi('Pause');

const Rule = z
  .strictObject({
    match: z.enum(['contains', 'equals', 'starts_with', 'regex']),
    pattern: z.string().min(1).max(500),
    reply: z.string().min(1).max(4096),
  })
  .superRefine((rule, ctx) => {
    if (rule.match !== 'regex') return;
    try {
      new RegExp(rule.pattern, 'i');
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: `is not a valid regular expression (${(err as Error).message})` });
    }
  })
  .openapi('AgentRule', { description: 'Matched case-insensitively against the customer’s text; the first match answers with `reply`.' });

const agentFields = {
  instructions: z.string().min(1).max(20_000).openapi({ description: 'The system prompt.' }),
  model: z.string().min(1).max(200).nullable().openapi({ description: 'Overrides AI_MODEL; null uses AI_MODEL.' }),
  temperature: z.number().min(0).max(2).nullable().openapi({ description: 'null: the provider’s default.' }),
  maxOutputTokens: z.int().min(16).max(8192),
  historyLimit: z.int().min(1).max(200).openapi({ description: 'How many earlier messages the model sees.' }),
  rules: z.array(Rule).max(100),
  fallbackText: z.string().min(1).max(4096).openapi({ description: 'Sent when no rule matches and no model answers.' }),
  burstWindowMs: z.int().min(0).max(30_000).openapi({ description: 'Messages arriving within this window get one answer.' }),
  humanPauseMinutes: z.int().min(1).max(43_200).openapi({ description: 'How long a human takeover silences the agent.' }),
  replyToGroups: z.boolean().openapi({
    description: 'Whether the agent answers in groups. The socket-host forwards group messages only with WA_FORWARD_GROUPS=true (each costs a queue message): set both.',
  }),
};

export const AgentSettingsSchema = z
  .object({
    ...agentFields,
    updatedAt: z.iso.datetime().nullable().openapi({ description: 'null while the defaults were never changed.' }),
  })
  .openapi('AgentSettings');

export const AgentUpdate = z
  .strictObject(Object.fromEntries(Object.entries(agentFields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof agentFields]: z.ZodOptional<(typeof agentFields)[K]>;
  })
  .openapi('AgentUpdate', { description: 'Fields you omit keep their value.' });

export const CreateWebhookBody = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).openapi({ example: 'https://example.org/ia-agent/webhooks' }),
    events: z
      .array(z.enum(WEBHOOK_EVENTS))
      .min(1)
      .max(WEBHOOK_EVENTS.length)
      .refine((list) => new Set(list).size === list.length, 'must not repeat an event'),
  })
  .openapi('CreateWebhook');

export const WebhookSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    createdAt: z.iso.datetime(),
    state: z.enum(['active', 'paused']).openapi({
      description: '`paused`: it kept failing (or its URL is not allowed); nothing is sent to it, and its events are recorded as skipped, until `POST /v1/webhooks/{id}/resume`.',
    }),
    pausedAt: z.iso.datetime().nullable(),
    pausedReason: z.string().nullable().openapi({ description: 'Why it was paused, ending with what failed last.', example: 'the last 20 delivery attempts failed (last: TimeoutError: The operation was aborted due to timeout)' }),
    consecutiveFailures: z.number().int().openapi({ description: 'Failed attempts since its last success; `WEBHOOK_PAUSE_AFTER_FAILURES` of them (default 20), or 24 hours of them, pause it.' }),
    failingSince: z.iso.datetime().nullable().openapi({ description: 'When the current run of failures began; null while it succeeds.' }),
  })
  .openapi('Webhook');

export const WebhookCreated = WebhookSchema.extend({
  secret: z.string().openapi({ description: 'The signing secret (`whsec_…`); shown only in this answer.', example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }),
}).openapi('WebhookCreated');

export const WebhookList = z.object({ data: z.array(WebhookSchema) }).openapi('WebhookList');

export const CreateKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100).openapi({ example: 'CRM integration' }),
    scopes: z
      .array(z.enum(SCOPES))
      .min(1)
      .max(SCOPES.length)
      .refine((list) => new Set(list).size === list.length, 'must not repeat a scope'),
  })
  .openapi('CreateKey');

export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The first characters of the key, to tell keys apart.', example: 'iak_3f9Kq2…' }),
    scopes: z.array(z.string()),
    source: z.enum(['environment', 'api']).openapi({
      description: '`environment`: the deployment’s API_KEY, not stored, never revocable (rotate it by changing the variable); `api`: a stored key.',
    }),
    createdAt: z.iso.datetime().nullable().openapi({ description: 'null for the API_KEY key, which is not stored.' }),
    lastUsedAt: z.iso.datetime().nullable().openapi({ description: 'Updated at most once a minute; not recorded for the API_KEY key.' }),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi('ApiKey');

export const ApiKeyCreated = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The key itself; shown only in this answer, stored hashed.' }),
}).openapi('ApiKeyCreated');

export const ApiKeyList = z.object({ data: z.array(ApiKeySchema) }).openapi('ApiKeyList');
