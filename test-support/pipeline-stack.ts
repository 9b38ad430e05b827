import { count, eq } from 'drizzle-orm';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conversations, messages } from '../drizzle/schema.ts';
import { saveSettings, type AgentSettings } from '../functions/agent/settings.ts';
import { startMediaCdn } from '../local/media-cdn.ts';
import { startStack, type StackOptions } from '../local/stack.ts';
import type { PlaygroundMedia } from '../socket-host/playground-media.ts';
import { createFakeSockets, type InjectInput } from './fake-socket.ts';
import { startFakeOpenAI, type ChatRequest, type ToolCallReply, type TranscriptionRequest } from './fake-openai.ts';
import { createTestDatabase } from './postgres.ts';
import { TEST_REDIS_URL } from './redis.ts';

/** Fast socket-host timings: tests never wait on production delays, and correctness never depends on them. */
const FAST_HOST = {
  session: { leaseTtlMs: 3_000, leaseRenewMs: 200, reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 } },
  outbox: { retryDelayMs: 50, maxRetryDelayMs: 200 },
  throttle: { minGapMs: 0, typingMsPerChar: 0.01, maxTypingMs: 5 },
  send: { socketCheckMs: 20, retryDelayMs: 50, markRetryDelayMs: 50, markMaxRetryDelayMs: 200 },
};

/**
 * The real stack in services mode — functions, socket-host with a fake WhatsApp socket, the local
 * queue, a fresh PostgreSQL database, Redis — plus a fake OpenAI-compatible model. Only WhatsApp and
 * the model are stand-ins.
 */
export async function startPipelineStack(
  options: {
    settings?: Partial<AgentSettings>;
    reply?: (req: ChatRequest) => string | ToolCallReply;
    /** How long the fake model takes to compose each request (see startFakeOpenAI). */
    modelDelayMs?: (req: ChatRequest) => number;
    /** What the fake model hears in a voice note (with AI_TRANSCRIPTION_MODEL set in `env`). */
    transcript?: (req: TranscriptionRequest) => string;
    env?: Record<string, string>;
  } & Partial<StackOptions> = {},
) {
  const database = await createTestDatabase();
  const model = await startFakeOpenAI(options.reply, { delayMs: options.modelDelayMs, transcript: options.transcript });
  // WhatsApp's media servers are the other side of the WhatsApp boundary: a stand-in serves the files.
  const mediaCdn = await startMediaCdn();
  const mediaDir = await mkdtemp(join(tmpdir(), 'ia-agent-media-'));
  const fake = createFakeSockets({ mediaCdn });
  const { settings, reply: _reply, modelDelayMs: _delay, transcript: _transcript, env, ...stackOptions } = options;
  const stack = await startStack({
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    makeSocket: fake.makeSocket,
    mediaCdn,
    socketHostTuning: FAST_HOST,
    // QStash's real backoff is 12 s, 2.5 min…; tests retry within a few hundred milliseconds.
    qstashRetryDelayMs: () => 200,
    env: {
      AI_BASE_URL: model.baseUrl,
      AI_API_KEY: 'test',
      AI_MODEL: 'fake-model',
      WA_SESSIONS: 'default',
      MEDIA_CDN_URL: mediaCdn.url,
      MEDIA_DIR: mediaDir,
      ...env,
    },
    ...stackOptions,
  });
  await saveSettings(stack.functions.services.db, { burstWindowMs: 300, ...settings });

  const db = stack.db;
  const socket = () => {
    const s = fake.latest();
    if (!s) throw new Error('no fake socket yet');
    return s;
  };

  return {
    stack,
    model,
    fake,
    db,
    adminKey: stack.adminKey.generated!,
    /** Calls the functions' API with the admin key, as an integrator would. */
    api: (path: string, init: RequestInit = {}) =>
      fetch(`${stack.urls.functions}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${stack.adminKey.generated}`, 'content-type': 'application/json', ...init.headers },
      }),
    /** The PostgreSQL database behind the stand-in (for tests that inject real database faults). */
    databaseUrl: database.url,
    /** A customer writes on WhatsApp (through the currently connected fake socket). */
    customerWrites: (from: string, text: string, extra: { id?: string; type?: 'notify' | 'append'; fromMe?: boolean } = {}) =>
      socket().inject({ from, text, ...extra }),
    /** A customer sends anything else (media, a location, a reaction…), as Baileys' message content. */
    customerSends: (from: string, message: NonNullable<InjectInput['message']>, extra: { id?: string } = {}) =>
      socket().inject({ from, text: '', message, ...extra }),
    /** A customer sends a file (image, voice note, document, sticker…), encrypted as WhatsApp does. */
    customerSendsMedia: (from: string, media: PlaygroundMedia, extra: { id?: string } = {}) => socket().injectMedia({ from, media, ...extra }),
    /** The stand-in of WhatsApp's media servers, and the folder the functions keep media in. */
    mediaCdn,
    mediaDir,
    /** What the socket-host sent to WhatsApp, across reconnects and restarts. */
    sentTo: (phone: string) => fake.sent(phone),
    async rows(phone: string) {
      return await db
        .select({ id: messages.id, direction: messages.direction, author: messages.author, text: messages.text, type: messages.type, status: messages.status, error: messages.error, waMessageId: messages.waMessageId, conversationId: messages.conversationId })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(eq(conversations.phone, phone))
        .orderBy(messages.createdAt);
    },
    async messageCount() {
      const [row] = await db.select({ n: count() }).from(messages);
      return row!.n;
    },
    /** Waits until the queue has nothing pending (deliveries, retries, delayed jobs). */
    idle: () => stack.standIns.qstash.idle(),
    async stop() {
      await stack.stop();
      await model.close();
      await mediaCdn.close();
      await rm(mediaDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}

export type PipelineStack = Awaited<ReturnType<typeof startPipelineStack>>;

export { eventually } from './eventually.ts';
