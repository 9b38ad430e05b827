import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    env: { WA_SESSIONS: 'default,florist' },
    settings: { instructions: 'You are the bakery’s assistant.' },
    reply: () => 'Olá!',
  });
});
afterAll(() => t?.stop());

/** A customer's message to one of the linked numbers, as that number's socket-host session publishes it. */
async function customerWritesTo(sessionId: string, phone: string, text: string) {
  const waMessageId = `3EB0${crypto.randomUUID().replaceAll('-', '').slice(0, 18).toUpperCase()}`;
  const event = receivedEvent(phone, waMessageId, text, { sessionId, id: `${sessionId}:${waMessageId}` });
  await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
}

const instructionsFor = (phone: string) => {
  const req = t.model.requests.find((r) => r.messages.some((m) => m.role === 'user' && textOf(m.content).includes(phone)));
  return req ? textOf(req.messages[0]!.content) : undefined;
};

describe('one agent profile per number', () => {
  it('each number answers with its own instructions; a number without its own uses the default', async () => {
    const put = await t.api('/v1/agent?sessionId=florist', {
      method: 'PUT',
      body: JSON.stringify({ instructions: 'You are the florist’s assistant.', humanPauseMinutes: 90 }),
    });
    expect(put.status).toBe(200);
    // The number's first change starts from the default profile's values.
    expect(await put.json()).toMatchObject({ sessionId: 'florist', instructions: 'You are the florist’s assistant.', humanPauseMinutes: 90, maxOutputTokens: 400 });

    await customerWritesTo('default', '5511900003001', 'Bom dia, sou 5511900003001');
    await customerWritesTo('florist', '5511900003002', 'Bom dia, sou 5511900003002');
    await eventually(() => instructionsFor('5511900003001') && instructionsFor('5511900003002'), 'both model requests');
    expect(instructionsFor('5511900003001')).toMatch(/^You are the bakery’s assistant\./);
    expect(instructionsFor('5511900003002')).toMatch(/^You are the florist’s assistant\./);
    expect(instructionsFor('5511900003002')).not.toContain('bakery');

    const read = async (query: string) => (await (await t.api(`/v1/agent${query}`)).json()) as { sessionId: string | null; instructions: string };
    expect(await read('')).toMatchObject({ sessionId: null, instructions: 'You are the bakery’s assistant.' });
    expect(await read('?sessionId=florist')).toMatchObject({ sessionId: 'florist', instructions: 'You are the florist’s assistant.' });
    expect(await read('?sessionId=other')).toMatchObject({ sessionId: null, instructions: 'You are the bakery’s assistant.' });

    expect((await t.api('/v1/agent?sessionId=florist', { method: 'DELETE' })).status).toBe(204);
    expect((await t.api('/v1/agent?sessionId=florist', { method: 'DELETE' })).status).toBe(404);
    expect(await read('?sessionId=florist')).toMatchObject({ sessionId: null, instructions: 'You are the bakery’s assistant.' });
    await customerWritesTo('florist', '5511900003003', 'Oi, sou 5511900003003');
    await eventually(() => instructionsFor('5511900003003'), 'the model request after the profile went');
    expect(instructionsFor('5511900003003')).toMatch(/^You are the bakery’s assistant\./);
  });
});
