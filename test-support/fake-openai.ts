import { Hono } from 'hono';
import { listen } from '../local/listen.ts';

/** A message's content: a string, or parts (text, and `image_url` with a data URL when the model sees images). */
export type ChatContent = string | ({ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } })[];
export type ChatRequest = { model: string; messages: { role: string; content: ChatContent }[] };
/** A message's text, whichever form its content takes. */
export const textOf = (content: ChatContent | undefined): string =>
  typeof content === 'string' ? content : (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('\n');
/** A call to `/audio/transcriptions`, as the multipart form carried it. */
export type TranscriptionRequest = { model: string; fileName: string; mimeType: string; bytes: Uint8Array };

/**
 * An OpenAI-compatible chat-completions and transcription server: the model boundary, which cannot be
 * reached from here. It answers with `reply(request)` (at once, or after `delayMs` as a real model
 * composing) and transcribes with `transcript(request)`, records every request, and can fail the next
 * N calls of either.
 */
export async function startFakeOpenAI(
  reply: (req: ChatRequest) => string = () => 'Hello from the model',
  options: { delayMs?: (req: ChatRequest) => number; transcript?: (req: TranscriptionRequest) => string } = {},
) {
  const requests: ChatRequest[] = [];
  const transcriptions: TranscriptionRequest[] = [];
  let failTranscriptions = 0;
  const stats = { inFlight: 0 };
  let failNext = 0;
  const app = new Hono();
  app.post('/v1/chat/completions', async (c) => {
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
      return c.json({ error: { message: 'upstream overloaded', type: 'server_error' } }, 500);
    }
    const content = reply(body);
    return c.json({
      id: `chatcmpl-${requests.length}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    });
  });
  app.post('/v1/audio/transcriptions', async (c) => {
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
  const server = await listen(app.fetch);
  return {
    baseUrl: `${server.url}/v1`,
    requests,
    /** Every call to `/audio/transcriptions`. */
    transcriptions,
    /** Requests being composed right now (with `delayMs`): a caller killed now dies mid-composition. */
    stats,
    /** The next `n` calls answer 500 (the SDK's own retries count as calls). */
    failNextCalls(n: number) {
      failNext = n;
    },
    /** The next `n` transcription calls answer 500. */
    failNextTranscriptions(n: number) {
      failTranscriptions = n;
    },
    close: server.close,
  };
}
