import MiniSearch from 'minisearch';
import { plainText } from '../../functions/knowledge/customer-words.ts';
import { createDocument, deleteDocument } from '../../functions/knowledge/documents.ts';
import { searchKnowledge } from '../../functions/knowledge/search.ts';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';
import type { Db } from '../../shared/db.ts';
import { corpusDocuments, corpusQuestions, measureHitRates, type CorpusQuestion } from '../../test-support/knowledge-corpus/corpus.ts';
import { round, summary } from './stats.ts';

/**
 * Knowledge search on the bakery corpus (test-support/knowledge-corpus), with no embedding model,
 * beside a plain baseline: MiniSearch over the same documents (title and text, lowercased without
 * accents, prefix and fuzzy matching on; no stemming, no shorthand). Top-1 and top-3 hit rates,
 * and the time of one search (ours: one database round trip through the stand-in; MiniSearch: in
 * memory). The documents are removed afterwards.
 */
export async function runKnowledgePhase(s: { db: Db; config: FunctionsConfig }, repeats: number) {
  const documents = corpusDocuments();
  const questions = corpusQuestions();
  const keyOf = new Map<string, string>();
  for (const d of documents) keyOf.set((await createDocument(s, { title: d.title, text: d.text, sourceType: 'markdown' })).id, d.key);
  try {
    const ours = await timed(questions, repeats, async (q) => (await searchKnowledge(s, q, 10)).map((h) => keyOf.get(h.documentId)!));

    const mini = new MiniSearch<{ id: string; title: string; text: string }>({ fields: ['title', 'text'], processTerm: (term) => plainText(term) });
    mini.addAll(documents.map((d) => ({ id: d.key, title: d.title, text: d.text })));
    const baseline = await timed(questions, repeats, async (q) => mini.search(q, { prefix: true, fuzzy: 0.2 }).map((r) => String(r.id)));

    return { documents: documents.length, questions: questions.length, ours, miniSearch: baseline };
  } finally {
    for (const id of keyOf.keys()) await deleteDocument(s.db, id);
  }
}

async function timed(questions: CorpusQuestion[], repeats: number, search: (q: string) => Promise<string[]>) {
  const rates = await measureHitRates(questions, search);
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    for (const { q } of questions) {
      const started = performance.now();
      await search(q);
      ms.push(performance.now() - started);
    }
  }
  return { top1: round(rates.top1 * 100, 1), top3: round(rates.top3 * 100, 1), latencyMs: summary(ms), misses: rates.misses };
}
