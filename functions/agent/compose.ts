import { generateText, stepCountIs, type ModelMessage } from 'ai';
import type { Services } from '../services.ts';
import { CONTENT_NOTE_INSTRUCTIONS } from '../pipeline/content-note.ts';
import { toTurns, type RecentMessage, type Turn } from '../pipeline/history.ts';
import { handoffSentence, type HandoffContext } from './handoff.ts';
import { modelFor } from './model.ts';
import { groundingSection, passagesFor } from './passages.ts';
import { matchRule } from './rules.ts';
import { estimateTokens, extendSummary, splitByBudget, summarySection } from './summary.ts';
import type { AgentSettings } from './settings.ts';
import { MAX_STEPS, replyTools, type ToolTrace } from './tools.ts';
import { splitMessage, toWhatsApp } from './whatsapp-format.ts';

export type Composed = {
  parts: string[];
  source: 'rule' | 'model' | 'fallback';
  inputTokens?: number;
  outputTokens?: number;
  error?: string;
  /** The model handed the customer to a person (the conversation is paused and flagged already). */
  handedOff?: boolean;
};

/** The conversation's stored summary of its older turns (see summary.ts). */
export type ConversationContext = HandoffContext & { summary: string | null };

/**
 * What the agent answers: a keyword rule's fixed text when one matches what the customer just wrote,
 * else the model's answer with the instructions, the business's passages for what the customer asked,
 * the summary of older turns, the recent turns that fit AI_MAX_INPUT_TOKENS and the tools, else the
 * fallback text. A handoff always tells the customer so.
 */
export async function composeReply(s: Services, settings: AgentSettings, recent: RecentMessage[], ctx: ConversationContext): Promise<Composed> {
  const seesImages = s.config.AI_VISION;
  const turns = toTurns(recent, { seesImages });
  const unanswered = turns.at(-1)?.role === 'user' ? turns.at(-1)!.content : '';
  const rule = matchRule(settings.rules, unanswered);
  if (rule) return { parts: splitMessage(rule.reply), source: 'rule' };

  const model = modelFor(s.config, settings.model);
  if (!model || turns.length === 0) return { parts: [settings.fallbackText], source: 'fallback' };
  const trace: ToolTrace = { handedOff: false };
  try {
    const passages = await passagesFor(s, unanswered, ctx.sessionId);
    const tools = replyTools(s, settings, ctx, trace);
    const instructionsWith = (summary: string | null) =>
      [
        settings.instructions,
        'You are writing WhatsApp messages: keep them short; use *bold* sparingly and no Markdown headings or tables.',
        CONTENT_NOTE_INSTRUCTIONS,
        groundingSection(passages),
        summarySection(summary),
      ]
        .filter(Boolean)
        .join('\n\n');
    // The turns that fit the budget beside the instructions, the passages, the summary and the tools;
    // older ones are folded into the summary, once, and not sent again.
    const fixed = estimateTokens(instructionsWith(ctx.summary)) + estimateTokens(JSON.stringify(settings.tools));
    const windowCut = recent.length >= settings.historyLimit;
    const { older, kept } = splitByBudget(recent, s.config.AI_MAX_INPUT_TOKENS - fixed, { seesImages, windowCut });
    const summary = older.length ? ((await extendSummary(s, model, ctx.conversationId, ctx.summary, older, { seesImages })) ?? ctx.summary) : ctx.summary;
    s.usage.add('model.calls');
    const messages = await withImages(s, toTurns(kept, { seesImages }));
    const result = await generateText({
      model,
      instructions: instructionsWith(summary),
      messages,
      tools,
      // Bounded: each step is a model call, and the reply must fit the claim's time (reply-claim.ts).
      stopWhen: stepCountIs(MAX_STEPS),
      maxOutputTokens: settings.maxOutputTokens,
      temperature: settings.temperature === null ? undefined : settings.temperature / 100,
      maxRetries: 2,
      abortSignal: AbortSignal.timeout(30_000),
    });
    // Each step after the first was one more call (a tool's answer read back).
    s.usage.add('model.calls', result.steps.length - 1);
    s.usage.add('model.input_tokens', result.totalUsage.inputTokens ?? 0);
    s.usage.add('model.output_tokens', result.totalUsage.outputTokens ?? 0);
    // The last step's text; a model that spoke before its last tool call and not after said it there.
    const said = result.text || result.steps.findLast((step) => step.text)?.text || '';
    const text = toWhatsApp(said) || (trace.handedOff ? handoffSentence(unanswered) : '');
    if (!text) throw new Error('the model returned an empty answer');
    return {
      parts: splitMessage(text),
      source: 'model',
      inputTokens: result.totalUsage.inputTokens,
      outputTokens: result.totalUsage.outputTokens,
      handedOff: trace.handedOff,
    };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    // Handed off, then the model failed: the customer is still told a person will answer.
    if (trace.handedOff) return { parts: [handoffSentence(unanswered)], source: 'model', error, handedOff: true };
    s.log.warn({ err: error }, 'model failed; sending the fallback text');
    return { parts: [settings.fallbackText], source: 'fallback', error };
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
