import { generateText } from 'ai';
import type { Services } from '../services.ts';
import { CONTENT_NOTE_INSTRUCTIONS } from '../pipeline/content-note.ts';
import { toTurns } from '../pipeline/history.ts';
import { modelFor } from './model.ts';
import { matchRule } from './rules.ts';
import type { AgentSettings } from './settings.ts';
import { splitMessage, toWhatsApp } from './whatsapp-format.ts';

export type Composed = {
  parts: string[];
  source: 'rule' | 'model' | 'fallback';
  inputTokens?: number;
  outputTokens?: number;
  error?: string;
};

type Recent = Parameters<typeof toTurns>[0];

/**
 * What the agent answers: a keyword rule's fixed text when one matches what the customer just wrote,
 * else the model's answer with the instructions and recent turns, else the fallback text.
 */
export async function composeReply(s: Services, settings: AgentSettings, recent: Recent): Promise<Composed> {
  const turns = toTurns(recent);
  const unanswered = turns.at(-1)?.role === 'user' ? turns.at(-1)!.content : '';
  const rule = matchRule(settings.rules, unanswered);
  if (rule) return { parts: splitMessage(rule.reply), source: 'rule' };

  const model = modelFor(s.config, settings.model);
  if (!model || turns.length === 0) return { parts: [settings.fallbackText], source: 'fallback' };
  try {
    s.usage.add('model.calls');
    const result = await generateText({
      model,
      instructions: `${settings.instructions}\n\nYou are writing WhatsApp messages: keep them short; use *bold* sparingly and no Markdown headings or tables.\n\n${CONTENT_NOTE_INSTRUCTIONS}`,
      messages: turns,
      maxOutputTokens: settings.maxOutputTokens,
      temperature: settings.temperature === null ? undefined : settings.temperature / 100,
      maxRetries: 2,
      abortSignal: AbortSignal.timeout(30_000),
    });
    s.usage.add('model.input_tokens', result.usage.inputTokens ?? 0);
    s.usage.add('model.output_tokens', result.usage.outputTokens ?? 0);
    const text = toWhatsApp(result.text);
    if (!text) throw new Error('the model returned an empty answer');
    return {
      parts: splitMessage(text),
      source: 'model',
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
    };
  } catch (err) {
    s.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'model failed; sending the fallback text');
    return { parts: [settings.fallbackText], source: 'fallback', error: err instanceof Error ? err.message : String(err) };
  }
}
