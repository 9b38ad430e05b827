import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

/** The agent's markReadOnReply: what it answers is marked read (Baileys readMessages) as the reply goes out. */
let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Abrimos às 9h.' });
  await eventually(() => t.fake.latest()?.state === 'open', 'the number to be open');
});
afterAll(() => t?.stop());

const putAgent = (body: unknown) => t.api('/v1/agent', { method: 'PUT', body: JSON.stringify(body) });
const answered = (phone: string) => eventually(async () => (await t.rows(phone)).find((r) => r.direction === 'out' && r.status === 'sent'), 'the agent’s reply');

describe('markReadOnReply', () => {
  it('is off by default: the agent answers without read receipts', async () => {
    expect((await (await t.api('/v1/agent')).json()).markReadOnReply).toBe(false);
    t.customerWrites('5511911110001', 'Vocês abrem amanhã?');
    await answered('5511911110001');
    await t.idle();
    expect(t.fake.latest()!.callsOf('readMessages')).toEqual([]);
  });

  it('on, the customer’s messages the reply answers are marked read, with their keys', async () => {
    const saved = await putAgent({ markReadOnReply: true });
    expect(saved.status).toBe(200);
    expect((await saved.json()).markReadOnReply).toBe(true);
    expect((await (await t.api('/v1/agent')).json()).markReadOnReply).toBe(true);

    const asked = t.customerWrites('5511911110002', 'E no sábado?');
    await answered('5511911110002');
    await eventually(() => t.fake.latest()!.callsOf('readMessages').length > 0, 'the read receipts');
    expect(t.fake.latest()!.callsOf('readMessages')).toEqual([[[{ remoteJid: '5511911110002@s.whatsapp.net', id: asked.key.id, fromMe: false }]]]);
  });

  it('refuses a value that is not a boolean, naming the field', async () => {
    const res = await putAgent({ markReadOnReply: 'yes' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.map((d: { field: string }) => d.field)).toEqual(['markReadOnReply']);
  });
});
