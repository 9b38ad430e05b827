import { readFileSync } from 'node:fs';

/**
 * A small bakery's material in Portuguese (12 documents) and 40 questions as customers write them on
 * WhatsApp (no accents, typos, shorthand, a few in English), each labelled with the document that
 * answers it. The knowledge test and `npm run bench` measure search on it.
 */
export type CorpusDocument = { key: string; title: string; text: string };
export type CorpusQuestion = { q: string; expect: string };

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as T;

export const corpusDocuments = (): CorpusDocument[] => read('documents.json');
export const corpusQuestions = (): CorpusQuestion[] => read('questions.json');

export type HitRates = { top1: number; top3: number; misses: { q: string; expect: string; got: string[] }[] };

/**
 * Top-1 and top-3 hit rates: how often the labelled document is the first, or among the first three
 * distinct documents, that `search` answers (document keys, best first).
 */
export async function measureHitRates(questions: CorpusQuestion[], search: (q: string) => Promise<string[]>): Promise<HitRates> {
  let top1 = 0;
  let top3 = 0;
  const misses: HitRates['misses'] = [];
  for (const question of questions) {
    const got = [...new Set(await search(question.q))].slice(0, 3);
    if (got[0] === question.expect) top1++;
    if (got.includes(question.expect)) top3++;
    else misses.push({ ...question, got });
  }
  return { top1: top1 / questions.length, top3: top3 / questions.length, misses };
}
