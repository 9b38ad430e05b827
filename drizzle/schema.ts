/**
 * The one description of ia_agent's tables. `npm run db:generate` turns changes here into SQL
 * migrations under drizzle/migrations; every index below serves a query the code makes (named beside it).
 */
import { sql } from 'drizzle-orm';
import type { OutboundMediaRef } from '../shared/contracts/send-request.ts';
import type { ContactCard, Location, MediaRef, MessageType } from '../shared/contracts/wa-event.ts';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/**
 * A WhatsApp number held by the socket-host; the lease makes sure one socket owns it. A number added
 * through POST /v1/sessions has `added_at` set (the socket-host starts every such row); a row the
 * lease wrote for a WA_SESSIONS seed has it null, so dropping a seed from WA_SESSIONS still drops it.
 */
export const waSessions = pgTable('wa_sessions', {
  id: text('id').primaryKey(),
  /** What the team calls the number ("Sales", "Support Lisbon"); set when it is added through the API. */
  name: text('name'),
  addedAt: timestamp('added_at', { withTimezone: true }),
  phone: text('phone'),
  status: text('status').notNull().default('not_linked'),
  statusReason: text('status_reason'),
  leaseOwner: text('lease_owner'),
  /** Where the functions reach the lease holder (SOCKET_HOST_PUBLIC_URL); null: at SOCKET_HOST_URL. */
  leaseOwnerUrl: text('lease_owner_url'),
  leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
  updatedAt: updatedAt(),
});

/** Baileys creds, one row per session (BufferJSON text). */
export const waAuthCreds = pgTable('wa_auth_creds', {
  sessionId: text('session_id').primaryKey(),
  creds: text('creds').notNull(),
  updatedAt: updatedAt(),
});

/** Every Signal key type Baileys stores (pre-key, session, lid-mapping, device-list, tctoken, …). */
export const waAuthKeys = pgTable(
  'wa_auth_keys',
  {
    sessionId: text('session_id').notNull(),
    type: text('type').notNull(),
    id: text('id').notNull(),
    value: text('value').notNull(),
  },
  // keys.get(type, ids) and clear(session) both use this primary key's prefix.
  (t) => [primaryKey({ columns: [t.sessionId, t.type, t.id] })],
);

/**
 * The socket-host's sends: accepted by /send as 'queued' (with what to send), sent per number in `seq`
 * order, then 'sent' (the proto kept for Baileys' getMessage, which serves recipients' retry requests)
 * or 'failed'. 'sending' is what versions before the send queue wrote: such a row has no text.
 */
export const waSentMessages = pgTable(
  'wa_sent_messages',
  {
    sessionId: text('session_id').notNull(),
    waMessageId: text('wa_message_id').notNull(),
    remoteJid: text('remote_jid').notNull(),
    state: text('state').notNull().default('queued'),
    message: text('message'),
    /** Send order within a session: a restarted host resumes the queued rows in this order. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    text: text('text'),
    typing: boolean('typing').notNull().default(false),
    /** A file to send with `text` as its caption: where the functions keep it, never the bytes. */
    media: jsonb('media').$type<OutboundMediaRef>(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.sessionId, t.waMessageId] }),
    // The sender's resume: a session's queued rows, oldest first (partial: sent rows are the bulk).
    index('wa_sent_messages_queued_idx').on(t.sessionId, t.seq).where(sql`${t.state} = 'queued'`),
  ],
);

/** Events not yet accepted by the queue; drained oldest first after restarts and queue outages. */
export const waOutbox = pgTable(
  'wa_outbox',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    sessionId: text('session_id').notNull(),
    eventId: text('event_id').notNull(),
    payload: text('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('wa_outbox_event_id').on(t.eventId)],
);

/** One conversation per (linked number, customer), keyed on the customer's LID when WhatsApp gives one. */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sessionId: text('session_id').notNull(),
    contactJid: text('contact_jid').notNull(),
    phone: text('phone'),
    name: text('name'),
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
    /** Set when the agent handed the customer to a person (handoff_to_human); cleared by resuming. */
    needsHumanSince: timestamp('needs_human_since', { withTimezone: true }),
    /**
     * The customer message whose reply handed off: the pause is not for that reply, which still goes
     * out if its writer died after the handoff and a redelivery finishes it.
     */
    handoffMessageId: uuid('handoff_message_id'),
    /**
     * The model's summary of the turns that fell out of AI_MAX_INPUT_TOKENS (agent/summary.ts), sent
     * instead of them; `summary_until` is the time of the last message it covers.
     */
    summary: text('summary'),
    summaryUntil: timestamp('summary_until', { withTimezone: true }),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    // inbound upsert by (session, customer)
    uniqueIndex('conversations_session_contact').on(t.sessionId, t.contactJid),
    // GET /v1/conversations: newest first, cursor on (last_message_at, id)
    index('conversations_recent').on(t.lastMessageAt.desc(), t.id.desc()),
    // POST /v1/messages to a phone number
    index('conversations_phone').on(t.phone),
  ],
);

/**
 * A media message's file as stored: WhatsApp's reference, then what became of fetching it, once
 * (`stored`: its key in the media bucket and its decrypted size; or `unavailable`: why not).
 */
export type StoredMedia = MediaRef & { stored?: { key: string; size: number }; unavailable?: string };

export type MessageReaction = { emoji: string; from: 'customer' | 'team' };

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    sessionId: text('session_id').notNull(),
    waMessageId: text('wa_message_id').notNull(),
    direction: text('direction', { enum: ['in', 'out'] }).notNull(),
    author: text('author', { enum: ['customer', 'agent', 'human', 'api'] }).notNull(),
    text: text('text').notNull(),
    /** The contract's message type; a media message's caption is its text. */
    type: text('type').$type<MessageType>().notNull().default('text'),
    /**
     * What WhatsApp announced of a media file: mimeType, size, fileName, seconds, and the private
     * reference to fetch and decrypt it (mediaKey, directPath, url, hashes), never shown by the API;
     * then where the decrypted file is kept, or why it could not be.
     */
    media: jsonb('media').$type<StoredMedia>(),
    /**
     * The text the agent reads of a voice note, audio or document, made once when it arrives: a voice
     * note's or audio's words (transcribed), a PDF's text (the first 20,000 characters); null if it could not be.
     */
    transcript: text('transcript'),
    location: jsonb('location').$type<Location>(),
    contacts: jsonb('contacts').$type<ContactCard[]>(),
    /** Reactions to this message, one per person who reacted (the customer, the team's phone). */
    reactions: jsonb('reactions').$type<MessageReaction[]>(),
    /** The customer deleted it for everyone; a reply to it not yet sent is not sent. */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    status: text('status').notNull(),
    error: text('error'),
    /** For agent replies: the last inbound message this reply answers (one reply per trigger). */
    replyTo: uuid('reply_to'),
    /** A long reply is sent as several messages: part 0, 1, 2… of the same reply. */
    part: integer('part').notNull().default(0),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    /**
     * For agent replies: how long the claim was held until the reply's text was written (knowledge
     * search, model calls, tools), in milliseconds by the database's clock (pipeline/reply-claim.ts).
     */
    composeMs: integer('compose_ms'),
    /** When the socket-host first accepted this outbound message for sending (outbound/deliver.ts). */
    handedAt: timestamp('handed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // the reply metrics of GET /v1/usage: agent replies (first parts) of a period
    index('messages_reply_metrics').on(t.createdAt).where(sql`${t.replyTo} is not null and ${t.part} = 0`),
    // idempotent store of every WhatsApp message, however often it is redelivered
    uniqueIndex('messages_wa_id').on(t.sessionId, t.waMessageId),
    // conversation history (model context) and GET /v1/conversations/{id}/messages
    index('messages_conversation_recent').on(t.conversationId, t.createdAt.desc(), t.id.desc()),
    // exactly one agent reply (of one or more parts) per triggering inbound message
    uniqueIndex('messages_reply_to').on(t.replyTo, t.part).where(sql`${t.replyTo} is not null`),
  ],
);

export type KeywordRule = { match: 'contains' | 'equals' | 'starts_with' | 'regex'; pattern: string; reply: string };

/** A team's HTTP tool: the model calls it with arguments matching `parameters` (a JSON Schema object). */
export type AgentTool = { name: string; description: string; url: string; parameters: Record<string, unknown> };

/**
 * The agent's behaviour, one row per profile: id 'default' applies to every number without its own,
 * id 'session:<sessionId>' is that number's own profile (':' never occurs in a session id).
 */
export const agentSettings = pgTable('agent_settings', {
  id: text('id').primaryKey(),
  instructions: text('instructions').notNull(),
  model: text('model'),
  temperature: integer('temperature_pct'),
  maxOutputTokens: integer('max_output_tokens').notNull().default(400),
  historyLimit: integer('history_limit').notNull().default(20),
  rules: jsonb('rules').$type<KeywordRule[]>().notNull().default([]),
  fallbackText: text('fallback_text').notNull(),
  burstWindowMs: integer('burst_window_ms').notNull().default(2500),
  humanPauseMinutes: integer('human_pause_minutes').notNull().default(30),
  replyToGroups: boolean('reply_to_groups').notNull().default(false),
  /** Send read receipts for what the customer said when the agent answers it, as a person reading it would. */
  markReadOnReply: boolean('mark_read_on_reply').notNull().default(false),
  tools: jsonb('tools').$type<AgentTool[]>().notNull().default([]),
  /** Signs the calls to the team's tools (Standard Webhooks, whsec_…); made with the row, shown by PUT only. */
  toolsSecret: text('tools_secret'),
  updatedAt: updatedAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The first characters of the key, shown in listings so a person can tell keys apart. */
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  // every authenticated request looks its key up by hash
  (t) => [uniqueIndex('api_keys_hash').on(t.hash)],
);

/** Idempotency-Key replays on POST /v1/messages: same key, same answer. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    apiKeyId: uuid('api_key_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.apiKeyId, t.key] })],
);

export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  /** Needed in clear to sign deliveries (Standard Webhooks, whsec_…); never returned after creation. */
  secret: text('secret').notNull(),
  createdAt: createdAt(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  /** Failed attempts since the last success, and when that streak began: what pauses a subscriber. */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  failingSince: timestamp('failing_since', { withTimezone: true }),
  /** Set while paused: nothing is queued for it (deliveries are recorded as 'skipped') until resumed. */
  pausedAt: timestamp('paused_at', { withTimezone: true }),
  pausedReason: text('paused_reason'),
});

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    subscriptionId: uuid('subscription_id')
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payload: text('payload').notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  // a subscription's recent deliveries
  (t) => [index('webhook_deliveries_subscription').on(t.subscriptionId, t.createdAt.desc())],
);

export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('webhook_attempts_delivery').on(t.deliveryId, t.attempt)],
);

/** Daily usage counters (messages, model tokens, queue messages, Redis commands…). */
export const usageDaily = pgTable(
  'usage_daily',
  {
    day: date('day').notNull(),
    metric: text('metric').notNull(),
    value: bigint('value', { mode: 'number' }).notNull().default(0),
  },
  // upsert per (day, metric); GET /v1/usage reads a day range
  (t) => [primaryKey({ columns: [t.day, t.metric] })],
);

/** PostgreSQL's full-text document type (drizzle has no column builder for it). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** The business's own material the agent answers from: one row per uploaded document. */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    /** The number whose agent answers from it; null: shared by every number. */
    sessionId: text('session_id'),
    /** How it was sent: `text` (JSON or text/plain), `markdown` or `pdf` (its extracted text is kept). */
    sourceType: text('source_type', { enum: ['text', 'markdown', 'pdf'] }).notNull(),
    /** The whole text as uploaded (a PDF's as extracted): GET /v1/knowledge/{id} shows it. */
    text: text('text').notNull(),
    chunks: integer('chunks').notNull(),
    createdAt: createdAt(),
  },
  // GET /v1/knowledge: newest first
  (t) => [index('knowledge_documents_recent').on(t.createdAt.desc(), t.id.desc())],
);

/**
 * A document's passages, what search ranks and the agent is given. `search_text` is the title and the
 * passage lowercased without accents (what customers type); `tsv` indexes it with Portuguese and English
 * stemming (the `knowledge_pt` / `knowledge_en` configurations of the migration); `embedding` is set only
 * with AI_EMBEDDING_MODEL. A real[] rather than pgvector's type: the same column works on every
 * PostgreSQL the project runs on (Neon, PGlite, a plain server), and a business's material is small
 * enough that cosine similarity over every passage is cheap.
 */
export const knowledgePassages = pgTable(
  'knowledge_passages',
  {
    documentId: uuid('document_id')
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    searchText: text('search_text').notNull(),
    tsv: tsvector('tsv')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('knowledge_pt'::regconfig, search_text) || to_tsvector('knowledge_en'::regconfig, search_text)`),
    embedding: real('embedding').array(),
  },
  // GET /v1/knowledge/{id}: a document's passages in order (and the cascade on delete)
  (t) => [primaryKey({ columns: [t.documentId, t.position] })],
);

/**
 * The team's alerts (functions/alerts), one row per condition: shared by every isolate and kept over
 * restarts, so each condition is announced once when it opens and once when it clears. A condition
 * that opens again after it was resolved reuses its row (a new `opened_at`, the rest cleared).
 */
export const alerts = pgTable('alerts', {
  /** The condition: `logged_out:<session>`, `down:<session>`, `dead_letters`, `subscriber:<id>`, `model`, `free_tier:<tier>`. */
  key: text('key').primaryKey(),
  /** The sentence the alert says, refreshed while the condition lasts. */
  detail: text('detail').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set by whoever sends the alert, before it sends (an atomic claim: one sender per transition). */
  notifiedAt: timestamp('notified_at', { withTimezone: true }),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
});
