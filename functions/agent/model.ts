import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/**
 * One model object per endpoint, key and model id, kept by the isolate (or process): building one
 * builds the SDK's response schemas, about half a millisecond of CPU a reply would otherwise pay.
 * The object holds no request state; it fetches through globalThis.fetch at each call.
 */
const models = new Map<string, LanguageModel>();

/**
 * The model for a reply: any OpenAI-compatible chat-completions endpoint (OpenAI, Groq, OpenRouter,
 * Ollama, vLLM…). The agent settings may name another model of the same endpoint. None configured →
 * undefined, and the agent answers from its rules and fallback text.
 */
export function modelFor(config: FunctionsConfig, settingsModel: string | null): LanguageModel | undefined {
  const id = settingsModel ?? config.AI_MODEL;
  if (!config.AI_BASE_URL || !id) return undefined;
  const key = JSON.stringify([config.AI_BASE_URL, config.AI_API_KEY, id]);
  let model = models.get(key);
  if (!model) {
    const provider = createOpenAICompatible({
      name: 'ai',
      baseURL: config.AI_BASE_URL,
      apiKey: config.AI_API_KEY,
      includeUsage: true,
    });
    model = provider.chatModel(id);
    // The few models an agent has used: settings rarely name more than one or two over a life.
    if (models.size >= 8) models.delete(models.keys().next().value!);
    models.set(key, model);
  }
  return model;
}
