import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI } from '../../test-support/fake-openai.ts';
import { handBuiltPdf } from '../media/hand-built-pdf.ts';
import { startHarness, type Harness } from './test-harness.ts';

/** The knowledge base through /v1, as an integrator or the console uses it: every body type, list, read, delete, search. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { API_RATE_LIMIT_PER_KEY: '100000/1 m' } });
});
afterAll(() => h?.close());

type Created = { id: string; title: string; chunks: number };
type Hit = { documentId: string; title: string; text: string; score: number };
const created = async (res: Response) => {
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Created;
};
const post = (body: BodyInit, type: string, title?: string) =>
  h.call(`/v1/knowledge${title === undefined ? '' : `?title=${encodeURIComponent(title)}`}`, { method: 'POST', body, headers: { 'content-type': type } });
const search = async (q: string, limit?: number) => {
  const res = await h.call(`/v1/knowledge/search?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Hit[] }).data;
};

describe('POST /v1/knowledge', () => {
  it('takes JSON, plain text, Markdown and a PDF, each split into passages and searchable at once', async () => {
    const json = await created(await h.call('/v1/knowledge', { method: 'POST', json: { title: 'Horários', text: 'Abrimos de segunda a sábado das 7h às 19h.' } }));
    expect(json).toMatchObject({ title: 'Horários', chunks: 1 });
    const plain = await created(await post('Aceitamos Pix, dinheiro e cartão de débito.', 'text/plain; charset=utf-8', 'Pagamento'));
    const markdown = await created(await post('# Bolos\nBolo de cenoura: R$ 55,00.\n\n# Salgados\nCoxinha: R$ 7,50.', 'text/markdown', 'Preços'));
    expect(markdown.chunks).toBe(2);
    const pdf = await created(await post(handBuiltPdf([['Entregamos no Centro e na Vila Nova.', 'Taxa de entrega: R$ 5,00.']]) as Uint8Array<ArrayBuffer>, 'application/pdf', 'Entregas'));
    expect(pdf.chunks).toBe(1);

    expect((await search('vcs entregam na vila nova?'))[0]).toMatchObject({ documentId: pdf.id, title: 'Entregas' });
    expect((await search('aceita cartao?'))[0]!.documentId).toBe(plain.id);
    expect((await search('qnd vcs abrem'))[0]!.documentId).toBe(json.id);
    const coxinha = await search('qto custa a coxinha', 1);
    expect(coxinha).toHaveLength(1);
    expect(coxinha[0]).toMatchObject({ documentId: markdown.id, text: 'Salgados\nCoxinha: R$ 7,50.' });
    expect(coxinha[0]!.score).toBeGreaterThan(0);
  });

  it('lists documents newest first, reads one with its text and passages, deletes it and its passages', async () => {
    const doc = await created(await post('# Trocas\nTrocamos em até 24 horas.\n\n# Reclamações\nMande uma foto pelo WhatsApp.', 'text/markdown', 'Trocas'));
    const list = (await (await h.call('/v1/knowledge')).json()) as { data: { id: string; sourceType: string; chunks: number; createdAt: string }[] };
    expect(list.data[0]).toMatchObject({ id: doc.id, sourceType: 'markdown', chunks: 2 });
    expect(Date.parse(list.data[0]!.createdAt)).not.toBeNaN();

    const read = await h.call(`/v1/knowledge/${doc.id}`);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      id: doc.id,
      title: 'Trocas',
      text: '# Trocas\nTrocamos em até 24 horas.\n\n# Reclamações\nMande uma foto pelo WhatsApp.',
      passages: [
        { position: 0, text: 'Trocas\nTrocamos em até 24 horas.' },
        { position: 1, text: 'Reclamações\nMande uma foto pelo WhatsApp.' },
      ],
    });
    expect((await search('reclamacao foto')).some((hit) => hit.documentId === doc.id)).toBe(true);

    expect((await h.call(`/v1/knowledge/${doc.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.call(`/v1/knowledge/${doc.id}`)).status).toBe(404);
    expect((await h.call(`/v1/knowledge/${doc.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await search('reclamacao foto')).some((hit) => hit.documentId === doc.id)).toBe(false);
  });
});

describe('bad input', () => {
  const problem = async (res: Response, status: number, field?: string) => {
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status, body.error.message).toBe(status);
    if (field) expect(body.error.message).toContain(`${field}:`);
    return body.error;
  };

  it('names what is wrong, and stores nothing', async () => {
    const before = await h.snapshot();
    await problem(await h.call('/v1/knowledge', { method: 'POST', json: { title: '', text: 'x' } }), 400, 'title');
    await problem(await h.call('/v1/knowledge', { method: 'POST', json: { title: 'a', text: 'x'.repeat(50_001) } }), 400, 'text');
    await problem(await h.call('/v1/knowledge', { method: 'POST', json: { title: 'a' } }), 400, 'text');
    await problem(await post('texto', 'text/plain'), 400, 'title');
    await problem(await post('', 'text/markdown', 'Vazio'), 400, 'body');
    await problem(await post('a\u0000b', 'text/plain', 'Nul'), 400, 'body');
    await problem(await post('%PDF-1.4 not really', 'application/pdf', 'Quebrado'), 400, 'body');
    const scan = await problem(await post(handBuiltPdf([null]) as Uint8Array<ArrayBuffer>, 'application/pdf', 'Scan'), 400, 'body');
    expect(scan.message).toMatch(/no text/);
    await problem(await post('<a/>', 'application/xml', 'Xml'), 415);
    await problem(await h.call('/v1/knowledge/search'), 400, 'q');
    await problem(await h.call('/v1/knowledge/search?q=bolo&limit=21'), 400, 'limit');
    await problem(await h.call('/v1/knowledge/not-a-uuid'), 400, 'id');
    expect(await h.snapshot()).toEqual(before);
  });

  it('reading and searching need agent:read, changing needs agent:write', async () => {
    const reader = await h.createKey(['agent:read']);
    const other = await h.createKey(['conversations:read']);
    expect((await h.call('/v1/knowledge', { key: reader.key })).status).toBe(200);
    expect((await h.call('/v1/knowledge/search?q=bolo', { key: reader.key })).status).toBe(200);
    expect((await h.call('/v1/knowledge', { key: reader.key, method: 'POST', json: { title: 'a', text: 'b' } })).status).toBe(403);
    expect((await h.call('/v1/knowledge/search?q=bolo', { key: other.key })).status).toBe(403);
  });
});

describe('with AI_EMBEDDING_MODEL', () => {
  it('a failing embeddings endpoint is a 503 and stores nothing; when it recovers the upload goes through', async () => {
    const model = await startFakeOpenAI();
    const withModel = await startHarness({ socketHost: false, env: { AI_BASE_URL: model.baseUrl, AI_EMBEDDING_MODEL: 'embed-fake' } });
    try {
      model.failNextEmbeddings(1);
      const body = { title: 'Entregas', text: 'Entregamos no Centro.' };
      const failed = await withModel.call('/v1/knowledge', { method: 'POST', json: body });
      expect(failed.status).toBe(503);
      expect((await withModel.call('/v1/knowledge').then((r) => r.json())) as { data: unknown[] }).toEqual({ data: [] });
      expect((await withModel.call('/v1/knowledge', { method: 'POST', json: body })).status).toBe(201);
      expect(model.embeddings.at(-1)).toEqual({ model: 'embed-fake', input: ['Entregas\nEntregamos no Centro.'] });
      const hits = (await (await withModel.call('/v1/knowledge/search?q=entregam%20no%20centro')).json()) as { data: Hit[] };
      expect(hits.data[0]).toMatchObject({ title: 'Entregas' });
    } finally {
      await withModel.close();
      await model.close();
    }
  });
});
