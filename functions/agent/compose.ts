import { generateText, type ModelMessage } from 'ai';
import type { Services } from '../services.ts';
import { CONTENT_NOTE_INSTRUCTIONS } from '../pipeline/content-note.ts';
import { toTurns, type Turn } from '../pipeline/history.ts';
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
  const turns = toTurns(recent, { seesImages: s.config.AI_VISION });
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
      messages: await withImages(s, turns),
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

/**
 * The turns as the model reads them: the photos of the turn being answered go as image file parts,
 * read from the media bucket (only with AI_VISION, so a text message never reads it). A photo gone
 * from the bucket, or a bucket that fails, leaves the photo out; its note still says one was sent.
 */
async function withImages(s: Services, turns: Turn[]): Promise<ModelMessage[]> {
  return await Promise.all(
    turns.map(async ({ role, content, images }): Promise<ModelMessage> => {
      if (role === 'assistant' || !images?.length || !s.media) return { role, content };
      const parts = await Promise.all(
        images.map(async ({ key, mediaType }) => {
          const image = await s.media!.get(key).catch((err: Error) => {
            s.log.warn({ err: err.message }, 'a photo could not be read from the media bucket; the model gets its note only');
            return null;
          });
          return image ? [{ type: 'file' as const, data: image, mediaType }] : [];
        }),
      );
      return { role, content: [{ type: 'text', text: content }, ...parts.flat()] };
    }),
  );
}
