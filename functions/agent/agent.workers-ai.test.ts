import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, textOf, type ChatRequest } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

/**
 * Workers AI, Cloudflare's free model tier, through its OpenAI-compatible endpoint: the chat
 * completions and embeddings of `https://api.cloudflare.com/client/v4/accounts/<account id>/ai/v1`,
 * a Cloudflare API token as the bearer key, model names such as `@cf/meta/llama-3.1-8b-instruct-fp8-fast`,
 * and failures in Cloudflare's own envelope (`{result, success: false, errors: [{code, message}]}`).
 * The stand-in serves those paths and shapes; the rest of the stack is the real one.
 */
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const TOKEN = 'cf-workers-ai-token';
const CHAT_MODEL = '@cf/meta/llama-3.1-8b-instruct-fp8-fast';
const EMBEDDING_MODEL = '@cf/baai/bge-m3';

function model(req: ChatRequest) {
  const question = textOf(req.messages.findLast((m) => m.role === 'user')?.content);
  if (/pessoa/.test(question)) {
    return req.messages.at(-1)?.role === 'tool' ? 'Uma pessoa da equipe já vai te responder.' : { toolCalls: [{ name: 'handoff_to_human', arguments: {} }] };
  }
  return 'Abrimos às 7h, de segunda a sábado.';
}

let workersAi: Awaited<ReturnType<typeof startFakeOpenAI>>;
let t: PipelineStack;
beforeAll(async () => {
  workersAi = await startFakeOpenAI(model, {
    basePath: `/client/v4/accounts/${ACCOUNT}/ai/v1`,
    apiKey: TOKEN,
    errorBody: (status, message) => ({ result: null, success: false, errors: [{ code: status === 401 ? 10000 : 3040, message }], messages: [] }),
  });
  t = await startPipelineStack({
    settings: { fallbackText: 'Já te respondemos!' },
    env: { AI_BASE_URL: workersAi.baseUrl, AI_API_KEY: TOKEN, AI_MODEL: CHAT_MODEL, AI_EMBEDDING_MODEL: EMBEDDING_MODEL },
  });
});
afterAll(async () => {
  await t?.stop();
  await workersAi?.close();
});

describe('the agent on Workers AI', () => {
  it('grounds and answers through the chat completions and embeddings of the account’s /ai/v1, with the token and @cf model names', async () => {
    const doc = await t.api('/v1/knowledge', { method: 'POST', body: JSON.stringify({ title: 'Horário', text: 'A padaria abre às 7h, de segunda a sábado.' }) });
    expect(doc.status).toBe(201);
    expect(workersAi.embeddings.at(-1)).toMatchObject({ model: EMBEDDING_MODEL, input: ['Horário\nA padaria abre às 7h, de segunda a sábado.'] });

    t.customerWrites('5511900011001', 'que horas vcs abrem?');
    await eventually(() => t.sentTo('5511900011001').length === 1, 'the reply');
    expect(t.sentTo('5511900011001')[0]!.text).toBe('Abrimos às 7h, de segunda a sábado.');
    const request = workersAi.requests.at(-1)!;
    expect(request.model).toBe(CHAT_MODEL);
    expect(textOf(request.messages[0]!.content)).toContain('### Horário\nA padaria abre às 7h');
    // The question's vector came from the same endpoint, for the search that grounded the reply.
    expect(workersAi.embeddings.at(-1)).toMatchObject({ model: EMBEDDING_MODEL, input: ['que horas vcs abrem?'] });
  });

  it('calls tools in the OpenAI shape (a model with function calling): handoff_to_human pauses and flags', async () => {
    t.customerWrites('5511900011002', 'quero falar com uma pessoa');
    await eventually(() => t.sentTo('5511900011002').length === 1, 'the handoff reply');
    expect(t.sentTo('5511900011002')[0]!.text).toBe('Uma pessoa da equipe já vai te responder.');
    const flagged = (await (await t.api('/v1/conversations?needsHuman=true')).json()) as { data: { phone: string; paused: boolean }[] };
    expect(flagged.data.find((c) => c.phone === '5511900011002')).toMatchObject({ paused: true });
  });

  it('a failure in Cloudflare’s envelope (the day’s free Neurons used up, an outage) still leaves the customer the fallback text', async () => {
    // The call and the SDK's two retries fail.
    workersAi.failNextCalls(3);
    t.customerWrites('5511900011003', 'vcs abrem domingo?');
    await eventually(() => t.sentTo('5511900011003').length === 1, 'the fallback');
    expect(t.sentTo('5511900011003')[0]!.text).toBe('Já te respondemos!');
  });
});
