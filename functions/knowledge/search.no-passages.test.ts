import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocument, deleteDocument } from './documents.ts';
import { searchKnowledge } from './search.ts';
import { startKnowledgeDb } from './test-db.ts';

/** A reply's search costs a database round trip only when there is something to find. */
describe('knowledge search without a knowledge base', () => {
  let t: Awaited<ReturnType<typeof startKnowledgeDb>>;
  beforeAll(async () => {
    t = await startKnowledgeDb('postgres');
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const roundTrips = async (search: () => Promise<unknown>) => {
    const before = t.stats.requests;
    await search();
    return t.stats.requests - before;
  };

  it('asks the database nothing while no passage is in scope, and finds an upload of this isolate at once', async () => {
    expect(await searchKnowledge(t, 'vcs entregam no centro?', 4, 'florist')).toEqual([]);
    expect(await roundTrips(() => searchKnowledge(t, 'vcs entregam no centro?', 4, 'florist'))).toBe(0);

    // Another number's document is not in the florist's scope: still nothing to search there.
    const bakery = await createDocument(t, { title: 'Entregas', text: 'Entregamos no centro, de terça a sábado.', sourceType: 'text', sessionId: 'bakery' });
    expect(await searchKnowledge(t, 'vcs entregam no centro?', 4, 'florist')).toEqual([]);
    expect(await roundTrips(() => searchKnowledge(t, 'vcs entregam no centro?', 4, 'florist'))).toBe(0);
    expect((await searchKnowledge(t, 'vcs entregam no centro?', 4, 'bakery'))[0]).toMatchObject({ documentId: bakery.id });

    // A shared document is every number's.
    const shared = await createDocument(t, { title: 'Horário', text: 'Abrimos às 7h, de segunda a sábado.', sourceType: 'text' });
    expect((await searchKnowledge(t, 'qnd vcs abrem?', 4, 'florist'))[0]).toMatchObject({ documentId: shared.id });
    expect(await roundTrips(() => searchKnowledge(t, 'qnd vcs abrem?', 4, 'florist'))).toBe(1);

    await deleteDocument(t.db, shared.id);
    expect(await searchKnowledge(t, 'qnd vcs abrem?', 4, 'florist')).toEqual([]);
    expect(await roundTrips(() => searchKnowledge(t, 'qnd vcs abrem?', 4, 'florist'))).toBe(0);
  });
});
