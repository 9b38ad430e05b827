import { z } from '@hono/zod-openapi';
import { OUTBOUND_MEDIA_TYPES } from '../../shared/contracts/send-request.ts';
import { SCOPES } from '../keys/api-keys.ts';
import { MAX_DOCUMENT_CHARS } from '../knowledge/documents.ts';
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

const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w.+-]+=[\w.+-]+)*$/;

export const OutboundMediaBody = z
  .strictObject({
    type: z.enum(OUTBOUND_MEDIA_TYPES).openapi({ description: 'How WhatsApp shows it; `voice` is a voice note (Opus in Ogg).' }),
    url: z
      .string()
      .max(2048)
      .regex(/^https?:\/\//, 'must be an https URL')
      .optional()
      .openapi({ description: 'Where to fetch the file (a public https URL); fetched once, when the request is made.', example: 'https://example.com/menu.pdf' }),
    data: z.string().optional().openapi({ description: 'The file itself, base64; at most MEDIA_MAX_BYTES (16 MiB by default) decoded.' }),
    mimeType: z
      .string()
      .max(255)
      .regex(MIME_TYPE, 'must be a MIME type such as image/jpeg')
      .optional()
      .openapi({ description: 'The file’s type; else the server’s Content-Type or the file’s first bytes say it.', example: 'application/pdf' }),
    fileName: z.string().min(1).max(255).optional().openapi({ description: 'A document’s name, as the recipient sees it.', example: 'menu.pdf' }),
  })
  .refine((m) => (m.url === undefined) !== (m.data === undefined), { message: 'give exactly one of url and data', path: ['data'] })
  .openapi('OutboundMedia', { description: 'A file to send. The message’s `text` is its caption (not for audio and voice notes).' });

/** A message's text, or the caption of its media. */
const messageContent = {
  text: z
    .string()
    .min(1, { abort: true })
    .max(4096)
    .refine((t) => t.trim().length > 0, 'must not be blank')
    .optional()
    .openapi({ description: 'The message, 1–4096 characters; with `media`, its caption.', example: 'Your order 1042 has shipped.' }),
  media: OutboundMediaBody.optional(),
};

type MessageContent = { text?: string; media?: { type: string } };
const hasContent = (b: MessageContent) => b.text !== undefined || b.media !== undefined;
/** Audio files and voice notes carry no caption on WhatsApp. */
const captionFits = (b: MessageContent) => !(b.text && (b.media?.type === 'audio' || b.media?.type === 'voice'));
const NO_CONTENT = { message: 'is required unless media is given', path: ['text'] };
const NO_CAPTION = { message: 'audio files and voice notes carry no caption on WhatsApp; send the text as its own message', path: ['text'] };

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
    ...messageContent,
    sessionId: z
      .string()
      .regex(SESSION_ID, 'must be 1-64 letters, digits, - or _')
      .default('default')
      .openapi({ description: 'Which linked number sends it.' }),
  })
  .refine(hasContent, NO_CONTENT)
  .refine(captionFits, NO_CAPTION)
  .openapi('SendMessage');

export const HumanReplyBody = z.strictObject(messageContent).refine(hasContent, NO_CONTENT).refine(captionFits, NO_CAPTION).openapi('HumanReply');

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

/** Tool names as the model providers accept them (OpenAI: ^[a-zA-Z0-9_-]{1,64}$). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A tool's JSON Schema is sent with every model call: kept small. */
const MAX_TOOL_SCHEMA_CHARS = 8_000;
/** More tools cost prompt tokens on every reply and make the model's choice worse. */
export const MAX_AGENT_TOOLS = 10;

const ToolParameters = z
  .record(z.string(), z.unknown())
  .superRefine((schema, ctx) => {
    if (schema.type !== 'object') ctx.addIssue({ code: 'custom', path: ['type'], message: 'must be "object" (the arguments are one JSON object)' });
    const props = schema.properties;
    if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props) || Object.values(props).some((p) => typeof p !== 'object' || p === null || Array.isArray(p)))) {
      ctx.addIssue({ code: 'custom', path: ['properties'], message: 'must be an object of JSON Schemas' });
    }
    const required = schema.required;
    if (required !== undefined && (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))) {
      ctx.addIssue({ code: 'custom', path: ['required'], message: 'must be an array of property names' });
    }
    if (JSON.stringify(schema).length > MAX_TOOL_SCHEMA_CHARS) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_TOOL_SCHEMA_CHARS} characters of JSON` });
    }
  })
  .openapi({
    description: 'A JSON Schema of type "object": the arguments the model sends.',
    example: { type: 'object', properties: { orderId: { type: 'string', description: 'The order number' } }, required: ['orderId'] },
  });

const AgentTool = z
  .strictObject({
    name: z
      .string()
      .regex(TOOL_NAME, 'must be 1-64 letters, digits, _ or -')
      .refine((name) => name !== 'handoff_to_human', 'is the built-in tool’s name')
      .openapi({ example: 'order_status' }),
    description: z.string().min(1).max(1000).openapi({ description: 'Tells the model when to call it.', example: 'The status of a customer’s order.' }),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2048)
      .openapi({ description: 'Called with a signed POST whose JSON body is the arguments; in the cloud a public https URL.', example: 'https://example.org/tools/order-status' }),
    parameters: ToolParameters,
  })
  .openapi('AgentTool', {
    description:
      'A team’s HTTP tool. The call is a POST of the arguments as JSON, signed with Standard Webhooks headers and the `toolsSecret`; its JSON answer (at most 8,000 characters read, 8 s) goes back to the model.',
  });

const agentFields = {
  instructions: z.string().min(1).max(20_000).openapi({ description: 'The system prompt.' }),
  model: z.string().min(1).max(200).nullable().openapi({ description: 'Overrides AI_MODEL; null uses AI_MODEL.' }),
  temperature: z.number().min(0).max(2).nullable().openapi({ description: 'null: the provider’s default.' }),
  maxOutputTokens: z.int().min(16).max(8192),
  historyLimit: z.int().min(1).max(200).openapi({ description: 'How many earlier messages the model sees.' }),
  rules: z.array(Rule).max(100),
  fallbackText: z.string().min(1).max(4096).openapi({ description: 'Sent when no rule matches and no model answers.' }),
  burstWindowMs: z.int().min(0).max(30_000).openapi({ description: 'Messages arriving within this window get one answer.' }),
  humanPauseMinutes: z.int().min(1).max(43_200).openapi({ description: 'How long a human takeover (or the agent’s handoff) silences the agent.' }),
  replyToGroups: z.boolean().openapi({
    description: 'Whether the agent answers in groups. The socket-host forwards group messages only with WA_FORWARD_GROUPS=true (each costs a queue message): set both.',
  }),
  markReadOnReply: z.boolean().openapi({
    description: 'Whether the agent marks the customer’s messages read (blue ticks) when it answers them, as a person reading them would. Off: they stay unread on the customer’s side until someone opens the chat on the phone.',
  }),
  tools: z
    .array(AgentTool)
    .max(MAX_AGENT_TOOLS)
    .superRefine((tools, ctx) => {
      tools.forEach((t, i) => {
        if (tools.findIndex((o) => o.name === t.name) !== i) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'is used by another tool' });
      });
    })
    .openapi({ description: `The team’s HTTP tools (at most ${MAX_AGENT_TOOLS}); the built-in handoff_to_human is always there.` }),
};

export const AgentQuery = z.object({
  sessionId: z
    .string()
    .regex(SESSION_ID, 'must be 1-64 letters, digits, - or _')
    .optional()
    .openapi({ description: 'A linked number’s profile; omitted: the default profile, used by every number without its own.' }),
});

export const AgentProfileQuery = z.object({
  sessionId: z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _').openapi({ description: 'The linked number whose own profile goes.' }),
});

export const AgentSettingsSchema = z
  .object({
    ...agentFields,
    sessionId: z
      .string()
      .nullable()
      .openapi({ description: 'The number this profile belongs to; null: the default profile (also what a number without its own answers with).' }),
    updatedAt: z.iso.datetime().nullable().openapi({ description: 'null while the defaults were never changed.' }),
  })
  .openapi('AgentSettings');

export const AgentSettingsWithSecret = AgentSettingsSchema.extend({
  toolsSecret: z.string().openapi({
    description: 'Signs the calls to this profile’s tools (Standard Webhooks, `whsec_…`): made with the profile, kept, shown only by PUT.',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('AgentSettingsWithSecret');

export const AgentUpdate = z
  .strictObject(Object.fromEntries(Object.entries(agentFields).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof agentFields]: z.ZodOptional<(typeof agentFields)[K]>;
  })
  .openapi('AgentUpdate', { description: 'Fields you omit keep their value (a number’s first change starts from the default profile’s).' });

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

// ---- knowledge base -------------------------------------------------------------------------------

const knowledgeTitle = z.string().trim().min(1).max(200).openapi({ example: 'Horário de funcionamento' });

export const KnowledgeCreateBody = z
  .strictObject({
    title: knowledgeTitle,
    text: z
      .string()
      .trim()
      .min(1)
      .max(MAX_DOCUMENT_CHARS)
      .openapi({ description: `The document’s text, plain or Markdown (headings split it into passages); at most ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters.` }),
  })
  .openapi('KnowledgeCreate');

const knowledgeSession = z.string().regex(SESSION_ID, 'must be 1-64 letters, digits, - or _');

export const KnowledgeCreateQuery = z.object({
  title: knowledgeTitle.optional().openapi({ description: 'The title of a `text/plain`, `text/markdown` or `application/pdf` body (a JSON body carries its own).' }),
  sessionId: knowledgeSession
    .optional()
    .openapi({ description: 'The linked number whose agent alone answers from this document; omitted: shared by every number.' }),
});

export const KnowledgeListQuery = z.object({
  sessionId: knowledgeSession
    .optional()
    .openapi({ description: 'Only the documents this number’s agent answers from: its own and the shared ones. Omitted: every document.' }),
});

export const KnowledgeCreated = z
  .object({
    id: z.uuid(),
    title: z.string(),
    chunks: z.number().int().openapi({ description: 'How many passages the document was split into.' }),
    sessionId: z.string().nullable().openapi({ description: 'The number whose agent alone answers from it; null: shared by every number.' }),
  })
  .openapi('KnowledgeCreated');

export const KnowledgeSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    sessionId: z.string().nullable().openapi({ description: 'The number whose agent alone answers from it; null: shared by every number.' }),
    sourceType: z.enum(['text', 'markdown', 'pdf']).openapi({ description: 'How it was sent: JSON or text/plain (`text`), text/markdown, application/pdf.' }),
    chunks: z.number().int(),
    createdAt: z.iso.datetime(),
  })
  .openapi('KnowledgeSummary');

export const KnowledgeList = z.object({ data: z.array(KnowledgeSummarySchema) }).openapi('KnowledgeList');

export const KnowledgeDocumentSchema = KnowledgeSummarySchema.extend({
  text: z.string().openapi({ description: 'The whole text (a PDF’s as extracted).' }),
  passages: z.array(z.object({ position: z.number().int(), text: z.string() })).openapi({ description: 'The passages search ranks, in order.' }),
}).openapi('KnowledgeDocument');

export const KnowledgeSearchQuery = z.object({
  q: z.string().trim().min(1).max(1000).openapi({ description: 'The question, as a customer would write it.', example: 'qnd vcs entregam no centro?' }),
  limit: z
    .string()
    .regex(/^([1-9]|1\d|20)$/, 'must be a whole number from 1 to 20')
    .optional()
    .openapi({ description: 'Passages to return, 1–20 (default 5).', example: '5' }),
  sessionId: knowledgeSession
    .optional()
    .openapi({ description: 'Search as this number’s agent does: its own documents and the shared ones. Omitted: the shared documents only.' }),
});

export const KnowledgeSearchResult = z
  .object({
    data: z.array(
      z.object({
        documentId: z.uuid(),
        title: z.string(),
        text: z.string().openapi({ description: 'The passage.' }),
        score: z.number().openapi({ description: 'Higher is better; comparable only within one answer.' }),
      }),
    ),
  })
  .openapi('KnowledgeSearchResult');
