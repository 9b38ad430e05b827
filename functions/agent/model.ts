import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';

/**
 * The model for a reply: any OpenAI-compatible chat-completions endpoint (OpenAI, Groq, OpenRouter,
 * Ollama, vLLM…). The agent settings may name another model of the same endpoint. None configured →
 * undefined, and the agent answers from its rules and fallback text.
 */
export function modelFor(config: FunctionsConfig, settingsModel: string | null): LanguageModel | undefined {
  const id = settingsModel ?? config.AI_MODEL;
  if (!config.AI_BASE_URL || !id) return undefined;
  const provider = createOpenAICompatible({
    name: 'ai',
    baseURL: config.AI_BASE_URL,
    apiKey: config.AI_API_KEY,
    includeUsage: true,
  });
  return provider.chatModel(id);
}
