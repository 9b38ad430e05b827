import { Hono } from 'hono';
import { listen } from '../local/listen.ts';

export type ChatRequest = { model: string; messages: { role: string; content: string }[] };

/**
 * An OpenAI-compatible chat-completions server: the model boundary, which cannot be reached from here.
 * It answers with `reply(request)` (at once, or after `delayMs` as a real model composing), records
 * every request, and can fail the next N calls.
 */
export async function startFakeOpenAI(
  reply: (req: ChatRequest) => string = () => 'Hello from the model',
  options: { delayMs?: (req: ChatRequest) => number } = {},
) {
  const requests: ChatRequest[] = [];
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
  const server = await listen(app.fetch);
  return {
    baseUrl: `${server.url}/v1`,
    requests,
    /** Requests being composed right now (with `delayMs`): a caller killed now dies mid-composition. */
    stats,
    /** The next `n` calls answer 500 (the SDK's own retries count as calls). */
    failNextCalls(n: number) {
      failNext = n;
    },
    close: server.close,
  };
}
