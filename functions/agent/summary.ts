import { generateText, type LanguageModel } from 'ai';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { conversations, messages } from '../../drizzle/schema.ts';
import { modelContent } from '../pipeline/content-note.ts';
import type { RecentMessage } from '../pipeline/history.ts';
import type { Services } from '../services.ts';

/**
 * Tokens are estimated, not counted: about 4 characters a token for English and Portuguese with the
 * usual tokenizers, and no tokenizer differs from another by much at this scale. Cheap, the same on
 * every runtime and known before the call (a provider's usage numbers come only after it).
 */
export const CHARS_PER_TOKEN = 4;
export const estimateTokens = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);
/** Each turn's role and separators cost a few tokens beyond its text. */
const TURN_OVERHEAD = 4;

/** Told to the model for the summary call; a test's scripted model recognises the call by it. */
export const SUMMARY_INSTRUCTIONS =
  'You keep a running summary of a WhatsApp conversation between a customer and a business’s assistant. ' +
  'Given the summary so far (if any) and the turns that follow it, write the updated summary: what the customer ' +
  'wants or asked, facts they gave (name, order, address, dates), what was answered or promised, and what is still ' +
  'open. At most 150 words, in the conversation’s language, plain sentences, no preamble.';

const hidden = (m: RecentMessage) => m.status === 'generating' || m.status === 'suppressed' || Boolean(m.deletedAt);

/**
 * Splits the messages the model would read into the newest that fit `budget` tokens and the older ones
 * beyond it. The customer's latest turn is always kept, whatever its size; an agent turn left first is
 * moved to the older ones, as the model's turns must start with the customer's.
 *
 * `windowCut`: the history query's limit (the profile's history length) cut the messages short, so the
 * first of them is not where the conversation, or its summary, ends. When everything fits the budget,
 * an agent turn left first there is then simply not sent (toTurns drops it): the turns the limit cut
 * before it are not summarised either, and folding it alone into the summary would cost a model call
 * on every reply of a long conversation and fill the summary with the agent's side only.
 */
export function splitByBudget(recent: RecentMessage[], budget: number, options: { seesImages?: boolean; windowCut?: boolean } = {}) {
  const lastIn = recent.findLastIndex((m) => m.direction === 'in' && !hidden(m));
  let start = recent.length;
  let used = 0;
  for (let i = recent.length - 1; i >= 0; i--) {
    const m = recent[i]!;
    const cost = hidden(m) ? 0 : estimateTokens(modelContent(m, options)) + TURN_OVERHEAD;
    if (i >= lastIn || used + cost <= budget) {
      used += cost;
      start = i;
    } else break;
  }
  if (start > 0 || !options.windowCut) {
    while (start < recent.length && (recent[start]!.direction === 'out' || hidden(recent[start]!)) && start < lastIn) start++;
  }
  return { older: recent.slice(0, start), kept: recent.slice(start) };
}

/** The section of the instructions that carries the summary; none without one. */
export function summarySection(summary: string | null): string {
  if (!summary) return '';
  return ['=== Earlier in this conversation (a summary) ===', summary.trim(), '=== End of the summary ==='].join('\n');
}

/**
 * Extends the conversation's summary with the turns that fell out of the budget: one model call with
 * the summary so far and those turns only (never the whole conversation again), then stored with the
 * time of the last message it covers, so that later replies send the summary instead of those turns.
 * Stored only if it covers more than what is stored (two replies racing keep the furthest). A failure
 * is logged and answers null: the reply goes on with the turns that fit.
 */
export async function extendSummary(
  s: Services,
  model: LanguageModel,
  conversationId: string,
  previous: string | null,
  older: RecentMessage[],
  options: { seesImages?: boolean } = {},
): Promise<string | null> {
  const lines = older.filter((m) => !hidden(m)).map((m) => `${m.direction === 'in' ? 'Customer' : 'Business'}: ${modelContent(m, options)}`);
  const last = older.at(-1);
  if (!last || lines.length === 0) return null;
  try {
    s.usage.add('model.calls');
    const result = await generateText({
      model,
      instructions: SUMMARY_INSTRUCTIONS,
      prompt: [previous ? `Summary so far:\n${previous.trim()}` : 'Summary so far: none.', `Turns that follow:\n${lines.join('\n')}`].join('\n\n'),
      maxOutputTokens: 400,
      maxRetries: 1,
      // Short enough that the reply's own 30 s still fit the claim's time (reply-claim.ts).
      abortSignal: AbortSignal.timeout(15_000),
    });
    s.usage.add('model.input_tokens', result.usage.inputTokens ?? 0);
    s.usage.add('model.output_tokens', result.usage.outputTokens ?? 0);
    const summary = result.text.trim();
    if (!summary) throw new Error('the model returned an empty summary');
    // The message's own time, read in SQL: a JavaScript Date would lose its microseconds.
    const until = sql`(select ${messages.createdAt} from ${messages} where ${messages.id} = ${last.id})`;
    await s.db
      .update(conversations)
      .set({ summary, summaryUntil: until })
      .where(and(eq(conversations.id, conversationId), or(isNull(conversations.summaryUntil), lt(conversations.summaryUntil, until))));
    return summary;
  } catch (err) {
    s.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'summarising older turns failed; replying with the recent turns only');
    return null;
  }
}
