import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { textOf, type ChatRequest } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';
import { handOff, handoffSentence } from './handoff.ts';

/**
 * The scripted model: asked for a person, it calls handoff_to_human, then says nothing (the customer
 * gets the default sentence) or its own words; otherwise it answers plainly.
 */
function model(req: ChatRequest) {
  const question = textOf(req.messages.findLast((m) => m.role === 'user')?.content);
  const afterTool = req.messages.at(-1)?.role === 'tool';
  if (/pessoa|atendente/.test(question)) {
    if (!afterTool) return { toolCalls: [{ name: 'handoff_to_human', arguments: { reason: 'o cliente pediu uma pessoa' } }] };
    return question.includes('atendente') ? 'Claro! Uma pessoa da equipe já vai te responder.' : '';
  }
  return 'Abrimos às 8h.';
}

let t: PipelineStack;
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<Record<string, unknown>>[] = [];

beforeAll(async () => {
  t = await startPipelineStack({ reply: model, settings: { humanPauseMinutes: 45 } });
  const subscribed = await subscribeReceiver<Record<string, unknown>>(t, ['conversation.handoff']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

type Conversation = { id: string; paused: boolean; needsHuman: boolean; pausedUntil: string | null };
const conversationsWhere = async (query: string) =>
  ((await (await t.api(`/v1/conversations?${query}`)).json()) as { data: Conversation[] }).data;

describe('handoff_to_human', () => {
  it('"quero falar com uma pessoa": paused and flagged, conversation.handoff once, one reply in Portuguese, then silence until resumed', async () => {
    const phone = '5511900001001';
    const first = t.customerWrites(phone, 'Oi, quero falar com uma pessoa por favor');
    await eventually(() => t.sentTo(phone).length === 1, 'the handoff reply');
    await eventually(() => received.length === 1, 'conversation.handoff');

    // The model was offered the tool and called it; its empty last step left the default sentence.
    expect(t.model.requests[0]!.tools?.map((tool) => tool.function.name)).toContain('handoff_to_human');
    expect(t.sentTo(phone).map((s) => s.text)).toEqual([handoffSentence('quero falar com uma pessoa')]);
    expect(t.sentTo(phone)[0]!.text).toMatch(/^Passei sua mensagem para uma pessoa/);

    const [conversation] = await conversationsWhere('needsHuman=true');
    expect(conversation).toMatchObject({ paused: true, needsHuman: true });
    const pausedMinutes = (Date.parse(conversation!.pausedUntil!) - Date.now()) / 60_000;
    expect(pausedMinutes).toBeGreaterThan(40);
    expect(received[0]).toMatchObject({
      type: 'conversation.handoff',
      data: { conversationId: conversation!.id, sessionId: 'default', reason: 'o cliente pediu uma pessoa', contact: { phone } },
    });

    // The queue delivers the same message again: no second reply, no second event.
    const again = receivedEvent(phone, first.key.id!, 'Oi, quero falar com uma pessoa por favor');
    await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: again });
    // A writer that died after the tool ran is replaced by one that hands the same message off again.
    const [trigger] = (await t.rows(phone)).filter((r) => r.direction === 'in');
    await handOff(t.stack.functions.services, { sessionId: 'default', conversationId: conversation!.id, triggerId: trigger!.id, humanPauseMinutes: 45 }, null);
    // The agent stays silent while a person takes over.
    t.customerWrites(phone, 'Alô?');
    await eventually(async () => (await t.rows(phone)).length === 3, 'the second message stored');
    await t.idle();
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(received).toHaveLength(1);

    const resumed = await t.api(`/v1/conversations/${conversation!.id}/resume`, { method: 'POST' });
    expect(await resumed.json()).toMatchObject({ paused: false, needsHuman: false });
    expect((await conversationsWhere('needsHuman=true')).map((c) => c.id)).not.toContain(conversation!.id);
    expect((await conversationsWhere('needsHuman=false')).map((c) => c.id)).toContain(conversation!.id);
    t.customerWrites(phone, 'Que horas abrem?');
    await eventually(() => t.sentTo(phone).length === 2, 'the agent answering again');
    expect(t.sentTo(phone)[1]!.text).toBe('Abrimos às 8h.');
  });

  it('the model’s own words go to the customer when it says something after handing off', async () => {
    const phone = '5511900001002';
    t.customerWrites(phone, 'Me passa para um atendente');
    await eventually(() => t.sentTo(phone).length === 1, 'the handoff reply');
    await t.idle();
    expect(t.sentTo(phone).map((s) => s.text)).toEqual(['Claro! Uma pessoa da equipe já vai te responder.']);
    const flagged = await conversationsWhere('needsHuman=true');
    expect(flagged.filter((c) => c.needsHuman)).toHaveLength(1);
    expect(received.filter((e) => (e.data as { contact: { phone: string } }).contact.phone === phone)).toHaveLength(1);
  });
});

describe('handoffSentence', () => {
  it('answers in the customer’s language as far as common words tell it, English otherwise', () => {
    expect(handoffSentence('quero falar com uma pessoa')).toMatch(/^Passei/);
    expect(handoffSentence('Quiero hablar con una persona, por favor')).toMatch(/^Pasé/);
    expect(handoffSentence('I want to talk to a human')).toMatch(/^I have passed/);
    expect(handoffSentence('Ich möchte mit einem Menschen sprechen')).toMatch(/^Ich habe/);
    expect(handoffSentence('👍')).toMatch(/^I have passed/);
  });
});
