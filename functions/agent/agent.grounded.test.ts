import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Entregamos, sim.' });
});
afterAll(() => t?.stop());

/** The instructions of the model request that answered this customer (each message names its phone). */
const systemOf = (phone: string) => {
  const req = t.model.requests.find((r) => r.messages.some((m) => m.role === 'user' && textOf(m.content).includes(phone)));
  return req ? textOf(req.messages[0]!.content) : undefined;
};

const DOCUMENTS = [
  { title: 'Entregas', text: 'Entregamos no centro e na Vila Nova, de terça a sábado. A taxa de entrega é R$ 8.' },
  { title: 'Horário', text: 'A padaria abre de segunda a sábado, das 7h às 19h. Domingo fechado.' },
  { title: 'Encomendas de bolo', text: 'Bolos de aniversário por encomenda com 48 horas de antecedência. Sabores: chocolate, morango e limão.' },
];

describe('grounded replies', () => {
  it('with no knowledge base, the instructions have no section for it', async () => {
    t.customerWrites('5511900004001', 'Oi, bom dia (5511900004001)');
    await eventually(() => systemOf('5511900004001'), 'the model request');
    expect(systemOf('5511900004001')).not.toContain('What the business says');
  });

  it('a customer’s question reaches the model with the passage that answers it, under its title, in a delimited section', async () => {
    for (const doc of DOCUMENTS) {
      const res = await t.api('/v1/knowledge', { method: 'POST', body: JSON.stringify(doc) });
      expect(res.status).toBe(201);
    }
    // As customers write: shorthand, no accents.
    t.customerWrites('5511900004002', 'vcs fazem entrega na vila nova? qto custa? (5511900004002)');
    await eventually(() => systemOf('5511900004002'), 'the model request');
    const system = systemOf('5511900004002')!;
    const section = system.slice(system.indexOf('=== What the business says ==='), system.indexOf('=== End of what the business says ==='));
    expect(section).toMatch(/^=== What the business says ===\n### Entregas\nEntregamos no centro e na Vila Nova/);
    expect(system).toMatch(/say that you do not know/);
    // What the agent was given is what the search shows for the same words.
    const search = (await (await t.api(`/v1/knowledge/search?q=${encodeURIComponent('vcs fazem entrega na vila nova? qto custa? (5511900004002)')}&limit=4`)).json()) as {
      data: { title: string }[];
    };
    expect(section.match(/^### .+$/gm)).toEqual(search.data.map((p) => `### ${p.title}`));
  });
});
