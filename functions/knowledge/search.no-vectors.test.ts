import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../../test-support/fake-openai.ts';
import { createDocument, deleteDocument } from './documents.ts';
import { searchKnowledge } from './search.ts';
import { startKnowledgeDb } from './test-db.ts';

/** With AI_EMBEDDING_MODEL set, a reply's search pays for the question's vector only when passages have vectors. */
describe('knowledge search with AI_EMBEDDING_MODEL and nothing to compare with', () => {
  let model: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let t: Awaited<ReturnType<typeof startKnowledgeDb>>;
  beforeAll(async () => {
    model = await startFakeOpenAI();
    t = await startKnowledgeDb('postgres', { AI_BASE_URL: model.baseUrl, AI_EMBEDDING_MODEL: 'embed-fake' });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  it('does not call the embeddings endpoint while no document exists, and does once one is uploaded (and not after it is deleted)', async () => {
    expect(await searchKnowledge(t, 'vcs entregam no centro?', 4)).toEqual([]);
    // With nothing to search, the next searches ask the database nothing at all.
    const requests = t.stats.requests;
    expect(await searchKnowledge(t, 'qnd vcs abrem?', 4)).toEqual([]);
    expect(t.stats.requests - requests).toBe(0);
    expect(model.embeddings).toHaveLength(0);

    const doc = await createDocument(t, { title: 'Entregas', text: 'Entregamos no centro, de terça a sábado.', sourceType: 'text' });
    expect(model.embeddings).toHaveLength(1);
    expect((await searchKnowledge(t, 'vcs entregam no centro?', 4))[0]).toMatchObject({ documentId: doc.id });
    expect(model.embeddings).toHaveLength(2);
    expect(model.embeddings[1]!.input).toEqual(['vcs entregam no centro?']);

    await deleteDocument(t.db, doc.id);
    await searchKnowledge(t, 'vcs entregam no centro?', 4);
    expect(model.embeddings).toHaveLength(2);
  });
});
