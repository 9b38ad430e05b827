import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../../test-support/fake-openai.ts';
import { plainText } from './customer-words.ts';
import { createDocument } from './documents.ts';
import { searchKnowledge } from './search.ts';
import { startKnowledgeDb } from './test-db.ts';

/**
 * With AI_EMBEDDING_MODEL, a question that shares no word with the passage that answers it is found
 * by meaning. The fake model's vectors stand for meaning: one dimension per topic, counted from the
 * words that are about it, as a real model places paraphrases near each other.
 */
const TOPICS: Record<string, string[]> = {
  delivery: ['entrega', 'entregamos', 'motoboy', 'levam', 'trazem', 'casa', 'chegar'],
  payment: ['pix', 'cartao', 'dinheiro', 'pagar', 'pagamento'],
  hours: ['abrimos', 'fechamos', 'horas', 'abre', 'aberto'],
};
const meaning = (text: string) => {
  const words = plainText(text).match(/\p{L}+/gu) ?? [];
  return [...Object.values(TOPICS).map((topic) => words.filter((w) => topic.includes(w)).length), 0.1];
};

describe.each(['postgres', 'pglite'] as const)('knowledge search with embeddings, on %s', (kind) => {
  let model: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let t: Awaited<ReturnType<typeof startKnowledgeDb>>;
  let noModel: Awaited<ReturnType<typeof startKnowledgeDb>>['config'];
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    model = await startFakeOpenAI(undefined, { embed: meaning });
    t = await startKnowledgeDb(kind, { AI_BASE_URL: model.baseUrl, AI_EMBEDDING_MODEL: 'embed-fake' });
    noModel = { ...t.config, AI_EMBEDDING_MODEL: undefined };
    const docs = {
      delivery: ['Entregas', 'Fazemos entrega por motoboy em toda a cidade.'],
      payment: ['Pagamento', 'Aceitamos Pix, dinheiro e cartão.'],
      hours: ['Horário', 'Abrimos às 7 horas e fechamos às 19 horas.'],
      cakes: ['Bolos', 'Bolo de cenoura, de fubá e de chocolate, feitos todo dia.'],
    };
    for (const [key, [title, text]] of Object.entries(docs)) ids[key] = (await createDocument(t, { title: title!, text: text!, sourceType: 'text' })).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it('gives each passage a vector at upload, of its title and text', () => {
    expect(model.embeddings.flatMap((e) => e.input)).toContain('Entregas\nFazemos entrega por motoboy em toda a cidade.');
    expect(model.embeddings.every((e) => e.model === 'embed-fake')).toBe(true);
  });

  it('ranks a paraphrase with no word in common above unrelated passages', async () => {
    const question = 'vcs levam ate minha casa?';
    // Without the model, no passage shares a word with the question.
    expect((await searchKnowledge({ db: t.db, config: noModel }, question, 5)).map((h) => h.documentId)).not.toContain(ids.delivery);
    const hits = await searchKnowledge(t, question, 5);
    expect(hits[0]!.documentId).toBe(ids.delivery);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
  });

  it('fuses both rankings: a passage found by its words and its meaning comes first', async () => {
    const hits = await searchKnowledge(t, 'aceita pix?', 5);
    expect(hits[0]!.documentId).toBe(ids.payment);
  });

  it('is still one database round trip (and one call for the question’s vector)', async () => {
    const [requests, calls] = [t.stats.requests, model.embeddings.length];
    await searchKnowledge(t, 'que horas abre', 5);
    expect(t.stats.requests - requests).toBe(1);
    expect(model.embeddings.length - calls).toBe(1);
  });
});
