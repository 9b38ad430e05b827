import { Hono } from 'hono';
import { listen } from '../local/listen.ts';

/** A message's content: a string, or parts (text, and `image_url` with a data URL when the model sees images). */
export type ChatContent = string | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[];
export type ChatRequest = {
  model: string;
  messages: {
    role: string;
    content: ChatContent;
    /** An assistant turn that called tools (content is then often null). */
    tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    /** A `tool` turn: the answer to this call. */
    tool_call_id?: string;
  }[];
  /** The tools offered to the model, as the OpenAI chat API carries them. */
  tools?: { type: 'function'; function: { name: string; description?: string; parameters?: Record<string, unknown> } }[];
};
/** A scripted answer that calls tools (and may say something besides). */
export type ToolCallReply = { toolCalls: { name: string; arguments: Record<string, unknown> }[]; content?: string };
/** A message's text, whichever form its content takes. */
export const textOf = (content: ChatContent | null | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('\n');
/** A call to `/embeddings`: the model and its inputs. */
export type EmbeddingRequest = { model: string; input: string[] };

/**
 * The default embedding: each word hashed into one of 64 dimensions. Texts sharing words are close,
 * as with a real model; a test that needs meaning (paraphrases) passes its own `embed`.
 */
export function hashedWordsEmbedding(text: string): number[] {
  const vector: number[] = Array.from({ length: 64 }, () => 0);
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    let h = 0;
    for (const ch of word) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
    vector[h % 64]! += 1;
  }
  return vector;
}

/** A call to `/audio/transcriptions`, as the multipart form carried it. */
export type TranscriptionRequest = { model: string; fileName: string; mimeType: string; bytes: Uint8Array };

/**
 * An OpenAI-compatible chat-completions and transcription server: the model boundary, which cannot be
 * reached from here. It answers with `reply(request)` — a text, or tool calls (a `ToolCallReply`) — (at once, or after `delayMs` as a real model
 * composing) and transcribes with `transcript(request)`, records every request, and can fail the next
 * N calls of either.
 */
export async function startFakeOpenAI(
  reply: (req: ChatRequest) => string | ToolCallReply = () => 'Hello from the model',
  options: {
    delayMs?: (req: ChatRequest) => number;
    transcript?: (req: TranscriptionRequest) => string;
    /** The vector `/embeddings` answers for a text (default: hashedWordsEmbedding). */
    embed?: (text: string) => number[];
    /**
     * Where the endpoints are served (default `/v1`, as OpenAI): Workers AI serves them under
     * `/client/v4/accounts/<account id>/ai/v1`.
     */
    basePath?: string;
    /** Calls without `Authorization: Bearer <apiKey>` are refused with 401. */
    apiKey?: string;
    /** The body of a refused or failed call (default OpenAI's `{error: {message, type}}`). */
    errorBody?: (status: number, message: string) => unknown;
  } = {},
) {
  const base = options.basePath ?? '/v1';
  const errorBody = options.errorBody ?? ((_status: number, message: string) => ({ error: { message, type: 'server_error' } }));
  const embeddings: EmbeddingRequest[] = [];
  let failEmbeddings = 0;
  const requests: ChatRequest[] = [];
  const transcriptions: TranscriptionRequest[] = [];
  let failTranscriptions = 0;
  const stats = { inFlight: 0 };
  let failNext = 0;
  const app = new Hono();
  app.use('*', async (c, next) => {
    if (options.apiKey && c.req.header('authorization') !== `Bearer ${options.apiKey}`) return c.json(errorBody(401, 'Authentication error') as object, 401);
    await next();
  });
  app.post(`${base}/chat/completions`, async (c) => {
    const body = (await c.req.json()) as ChatRequest;
    requests.push(body);
    const delay = options.delayMs?.(body) ?? 0;
    if (delay > 0) {
      stats.inFlight++;
      await new Promise((resolve) => setTimeout(resolve, delay));
      stats.inFlight--;
    }
    if (failNext > 0) {
      failNext--;
      return c.json(errorBody(500, 'upstream overloaded') as object, 500);
    }
    const answer = reply(body);
    const n = requests.length;
    const message =
      typeof answer === 'string'
        ? { role: 'assistant', content: answer }
        : {
            role: 'assistant',
            content: answer.content ?? null,
            tool_calls: answer.toolCalls.map((call, i) => ({
              id: `call_${n}_${i}`,
              type: 'function',
              function: { name: call.name, arguments: JSON.stringify(call.arguments) },
            })),
          };
    return c.json({
      id: `chatcmpl-${n}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message, finish_reason: typeof answer === 'string' ? 'stop' : 'tool_calls' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
  });
  app.post(`${base}/audio/transcriptions`, async (c) => {
    const form = await c.req.formData();
    const file = form.get('file');
    const model = form.get('model');
    if (!(file instanceof File) || typeof model !== 'string') {
      return c.json({ error: { message: 'file and model are required', type: 'invalid_request_error' } }, 400);
    }
    const req = { model, fileName: file.name, mimeType: file.type, bytes: new Uint8Array(await file.arrayBuffer()) };
    transcriptions.push(req);
    if (failTranscriptions > 0) {
      failTranscriptions--;
      return c.json({ error: { message: 'upstream overloaded', type: 'server_error' } }, 500);
    }
    return c.json({ text: options.transcript?.(req) ?? 'Hello from the voice note' });
  });
  app.post(`${base}/embeddings`, async (c) => {
    const body = (await c.req.json()) as { model?: unknown; input?: unknown };
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (typeof body.model !== 'string' || !Array.isArray(input) || !input.every((i) => typeof i === 'string')) {
      return c.json({ error: { message: 'model and input are required', type: 'invalid_request_error' } }, 400);
    }
    embeddings.push({ model: body.model, input });
    if (failEmbeddings > 0) {
      failEmbeddings--;
      return c.json({ error: { message: 'upstream overloaded', type: 'server_error' } }, 500);
    }
    const embed = options.embed ?? hashedWordsEmbedding;
    return c.json({
      object: 'list',
      model: body.model,
      data: input.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) })),
      usage: { prompt_tokens: input.length * 8, total_tokens: input.length * 8 },
    });
  });
  const server = await listen(app.fetch);
  return {
    baseUrl: `${server.url}${base}`,
    requests,
    /** Every call to `/audio/transcriptions`. */
    transcriptions,
    /** Requests being composed right now (with `delayMs`): a caller killed now dies mid-composition. */
    stats,
    /** The next `n` calls answer 500 (the SDK's own retries count as calls). */
    failNextCalls(n: number) {
      failNext = n;
    },
    /** Every call to `/embeddings`. */
    embeddings,
    /** The next `n` embedding calls answer 500. */
    failNextEmbeddings(n: number) {
      failEmbeddings = n;
    },
    /** The next `n` transcription calls answer 500. */
    failNextTranscriptions(n: number) {
      failTranscriptions = n;
    },
    close: server.close,
  };
}
