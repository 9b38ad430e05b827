import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ env: { WA_SESSIONS: 'default,florist' }, reply: () => 'Entregamos, sim.' });
});
afterAll(() => t?.stop());

async function customerWritesTo(sessionId: string, phone: string, text: string) {
  const waMessageId = `3EB0${crypto.randomUUID().replaceAll('-', '').slice(0, 18).toUpperCase()}`;
  const event = receivedEvent(phone, waMessageId, text, { sessionId, id: `${sessionId}:${waMessageId}` });
  await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
}

/** The titles of the passages the model was given when answering this customer (each message names its phone). */
async function passagesGiven(phone: string) {
  await eventually(() => t.model.requests.some((r) => r.messages.some((m) => textOf(m.content).includes(phone))), `the model request for ${phone}`);
  const req = t.model.requests.find((r) => r.messages.some((m) => m.role === 'user' && textOf(m.content).includes(phone)))!;
  return textOf(req.messages[0]!.content).match(/^### .+$/gm) ?? [];
}

const post = async (doc: { title: string; text: string }, sessionId?: string) => {
  const res = await t.api(`/v1/knowledge${sessionId ? `?sessionId=${sessionId}` : ''}`, { method: 'POST', body: JSON.stringify(doc) });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; sessionId: string | null };
};

describe('knowledge per number', () => {
  it('each number’s agent is given its own documents and the shared ones, never another number’s', async () => {
    const shared = await post({ title: 'Pagamento (todos)', text: 'Aceitamos Pix, dinheiro e cartão de crédito para entrega.' });
    const bakery = await post({ title: 'Entregas da padaria', text: 'A padaria entrega pães e bolos no centro, taxa de entrega R$ 8.' }, 'default');
    const florist = await post({ title: 'Entregas da floricultura', text: 'A floricultura entrega buquês e flores na cidade toda, entrega grátis.' }, 'florist');
    expect([shared.sessionId, bakery.sessionId, florist.sessionId]).toEqual([null, 'default', 'florist']);

    await customerWritesTo('default', '5511900008001', 'vcs fazem entrega? aceita pix? (5511900008001)');
    await customerWritesTo('florist', '5511900008002', 'vcs fazem entrega? aceita pix? (5511900008002)');
    const toBakery = await passagesGiven('5511900008001');
    const toFlorist = await passagesGiven('5511900008002');
    expect(toBakery.sort()).toEqual(['### Entregas da padaria', '### Pagamento (todos)']);
    expect(toFlorist.sort()).toEqual(['### Entregas da floricultura', '### Pagamento (todos)']);

    // What /v1 shows for a number is what its agent reads.
    const search = async (query: string) =>
      ((await (await t.api(`/v1/knowledge/search?q=${encodeURIComponent('vcs fazem entrega?')}${query}`)).json()) as { data: { title: string }[] }).data.map((h) => h.title).sort();
    expect(await search('&sessionId=florist')).toEqual(['Entregas da floricultura', 'Pagamento (todos)']);
    expect(await search('')).toEqual(['Pagamento (todos)']);
    const list = async (query: string) => ((await (await t.api(`/v1/knowledge${query}`)).json()) as { data: { id: string; sessionId: string | null }[] }).data;
    expect((await list('?sessionId=default')).map((d) => d.id).sort()).toEqual([shared.id, bakery.id].sort());
    expect(await list('')).toHaveLength(3);
    expect((await list('')).find((d) => d.id === florist.id)).toMatchObject({ sessionId: 'florist' });
    expect(await (await t.api(`/v1/knowledge/${florist.id}`)).json()).toMatchObject({ sessionId: 'florist' });
    expect((await t.api('/v1/knowledge?sessionId=not%20a%20number', { method: 'POST', body: JSON.stringify({ title: 'x', text: 'y' }) })).status).toBe(400);
  });
});
