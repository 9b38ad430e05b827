import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/** One call's time: an upload waits for its passages' vectors, a search for its question's. */
export const EMBEDDING_TIMEOUT_MS = 15_000;

/** Inputs per call: OpenAI takes 2,048, others fewer; a document's passages fit in a few calls. */
const BATCH = 64;

export const embeddingsEnabled = (config: FunctionsConfig) => Boolean(config.AI_BASE_URL && config.AI_EMBEDDING_MODEL);

/**
 * Vectors for texts from the OpenAI-compatible `POST {AI_BASE_URL}/embeddings` (`{model, input: [...]}`
 * → `{data: [{index, embedding}]}`), as OpenAI, Workers AI's OpenAI endpoint, Ollama and most local
 * servers answer it. A plain fetch, like transcribe.ts: the same code on every runtime. Throws when
 * nothing is configured or the endpoint fails or answers something else.
 */
export async function embedTexts(config: FunctionsConfig, texts: string[]): Promise<number[][]> {
  if (!config.AI_BASE_URL || !config.AI_EMBEDDING_MODEL) throw new Error('no embedding model is configured');
  const vectors: number[][] = [];
  for (let start = 0; start < texts.length; start += BATCH) {
    const input = texts.slice(start, start + BATCH);
    const res = await fetch(`${config.AI_BASE_URL.replace(/\/+$/, '')}/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(config.AI_API_KEY ? { authorization: `Bearer ${config.AI_API_KEY}` } : {}) },
      body: JSON.stringify({ model: config.AI_EMBEDDING_MODEL, input }),
      signal: AbortSignal.timeout(EMBEDDING_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`the embeddings endpoint answered ${res.status}`);
    const body = (await res.json()) as { data?: { index?: number; embedding?: unknown }[] };
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    if (data.length !== input.length || !data.every((d) => isVector(d.embedding))) {
      throw new Error('the embeddings endpoint answered no vector for some input');
    }
    vectors.push(...data.map((d) => d.embedding as number[]));
  }
  return vectors;
}

const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
