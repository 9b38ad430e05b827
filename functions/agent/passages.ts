import { searchKnowledge, type KnowledgeHit } from '../knowledge/search.ts';
import type { Services } from '../services.ts';

/** A passage of the team's knowledge base, as the search ranks it (GET /v1/knowledge/search's items). */
export type Passage = KnowledgeHit;

/** How many passages go with each reply: enough to answer, few enough to keep the prompt cheap. */
export const PASSAGES_PER_REPLY = 4;

/**
 * The best passages for what the customer just wrote to number `sessionId`: among the shared documents
 * and that number's own (another number's are never given). A search that fails leaves the reply ungrounded
 * rather than without an answer: the instructions already tell the model to say when it does not know.
 */
export async function passagesFor(s: Services, query: string, sessionId: string): Promise<Passage[]> {
  if (!query.trim()) return [];
  try {
    return await searchKnowledge(s, query, PASSAGES_PER_REPLY, sessionId);
  } catch (err) {
    s.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'knowledge search failed; answering without passages');
    return [];
  }
}

/**
 * The section of the instructions that grounds the reply, clearly delimited so that the passages read
 * as the business's material, not as instructions; none without passages.
 */
export function groundingSection(passages: Passage[]): string {
  if (passages.length === 0) return '';
  const body = passages.map((p) => `### ${p.title}\n${p.text.trim()}`).join('\n\n');
  return [
    '=== What the business says ===',
    body,
    '=== End of what the business says ===',
    'Answer from what the business says above. When it does not answer the question, say that you do not know ' +
      'and offer to pass the question to a person of the team (handoff_to_human); never invent prices, hours, ' +
      'addresses or other facts.',
  ].join('\n');
}
