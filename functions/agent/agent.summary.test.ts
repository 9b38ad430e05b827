import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '../../drizzle/schema.ts';
import { textOf, type ChatRequest } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { SUMMARY_INSTRUCTIONS } from './summary.ts';

const system = (req: ChatRequest) => textOf(req.messages.find((m) => m.role === 'system')?.content);
const isSummary = (req: ChatRequest) => system(req).startsWith(SUMMARY_INSTRUCTIONS);
/** What the model was sent of the conversation itself: every turn but the instructions. */
const turnsOf = (req: ChatRequest) => req.messages.filter((m) => m.role !== 'system').map((m) => textOf(m.content)).join('\n');

let t: PipelineStack;
let summaries = 0;
beforeAll(async () => {
  t = await startPipelineStack({
    // About 1,000 tokens: three of the long messages below do not fit beside the instructions.
    env: { AI_MAX_INPUT_TOKENS: '1000' },
    settings: { instructions: 'Be brief.' },
    reply: (req) => (isSummary(req) ? `RESUMO-${++summaries}` : 'ok'),
  });
});
afterAll(() => t?.stop());

/** A long customer message (about 300 tokens at 4 characters each), made of one word. */
const long = (word: string) => `Pedido ${word}: ${`${word} `.repeat(Math.ceil(1200 / (word.length + 1)))}`.trim();

async function turn(phone: string, text: string, replies: number) {
  t.customerWrites(phone, text);
  await eventually(() => t.sentTo(phone).length === replies, `reply ${replies}`);
  await t.idle();
}

const replyRequests = () => t.model.requests.filter((r) => !isSummary(r));
const summaryRequests = () => t.model.requests.filter(isSummary);

describe('AI_MAX_INPUT_TOKENS: older turns are summarised once and kept', () => {
  it('summarises the turns beyond the budget once, sends the summary instead of them, and extends it only when the budget is passed again', async () => {
    const phone = '5511900007001';
    await turn(phone, long('alfa'), 1);
    await turn(phone, long('bravo'), 2);
    expect(summaryRequests()).toHaveLength(0);

    // The third long message does not fit with the first: the first turns are summarised, once.
    await turn(phone, long('charlie'), 3);
    expect(summaryRequests()).toHaveLength(1);
    const first = summaryRequests()[0]!;
    expect(turnsOf(first)).toContain('Summary so far: none.');
    expect(turnsOf(first)).toContain('Customer: Pedido alfa');
    expect(turnsOf(first)).not.toContain('bravo');
    const [stored] = await t.db.select().from(conversations).where(eq(conversations.phone, phone));
    expect(stored).toMatchObject({ summary: 'RESUMO-1' });
    expect(stored!.summaryUntil).toBeInstanceOf(Date);

    // The reply carries the summary and the turns that fit, not the summarised ones.
    const third = replyRequests().at(-1)!;
    expect(system(third)).toContain('=== Earlier in this conversation (a summary) ===\nRESUMO-1\n=== End of the summary ===');
    expect(turnsOf(third)).not.toContain('alfa');
    expect(turnsOf(third)).toContain('Pedido bravo');
    expect(turnsOf(third)).toContain('Pedido charlie');

    // A short message fits: no summary call, the stored summary is sent again.
    await turn(phone, 'obrigado, era isso', 4);
    expect(summaryRequests()).toHaveLength(1);
    const fourth = replyRequests().at(-1)!;
    expect(system(fourth)).toContain('RESUMO-1');
    expect(turnsOf(fourth)).not.toContain('alfa');
    expect(turnsOf(fourth)).toContain('Pedido bravo');

    // Past the budget again: the summary is extended with the turns that now fall out, not rebuilt.
    await turn(phone, long('delta'), 5);
    expect(summaryRequests()).toHaveLength(2);
    const second = summaryRequests()[1]!;
    expect(turnsOf(second)).toContain('Summary so far:\nRESUMO-1');
    expect(turnsOf(second)).toContain('Customer: Pedido bravo');
    expect(turnsOf(second)).not.toContain('alfa');
    const fifth = replyRequests().at(-1)!;
    expect(system(fifth)).toContain('RESUMO-2');
    expect(turnsOf(fifth)).not.toContain('bravo');
    expect(turnsOf(fifth)).toContain('Pedido charlie');
    expect(turnsOf(fifth)).toContain('Pedido delta');
    const [extended] = await t.db.select().from(conversations).where(eq(conversations.phone, phone));
    expect(extended!.summary).toBe('RESUMO-2');
    expect(extended!.summaryUntil!.getTime()).toBeGreaterThan(stored!.summaryUntil!.getTime());
  });

  it('a failing summary call never holds the reply back: the turns that fit are sent, nothing is stored', async () => {
    const phone = '5511900007002';
    await turn(phone, long('eco'), 1);
    await turn(phone, long('foxtrot'), 2);
    const before = summaryRequests().length;
    // The summary call and its one retry fail; the reply's own call succeeds.
    t.model.failNextCalls(2);
    await turn(phone, long('golf'), 3);
    expect(t.sentTo(phone).map((m) => m.text)).toEqual(['ok', 'ok', 'ok']);
    expect(summaryRequests().length - before).toBe(2);
    const reply = replyRequests().at(-1)!;
    expect(system(reply)).not.toContain('Earlier in this conversation');
    expect(turnsOf(reply)).not.toContain('eco');
    expect(turnsOf(reply)).toContain('Pedido golf');
    const [stored] = await t.db.select().from(conversations).where(eq(conversations.phone, phone));
    expect(stored).toMatchObject({ summary: null, summaryUntil: null });
  });

  it('a long conversation of short messages, past the history length, makes no summary call', async () => {
    // 20 messages are read (the profile's history length): from the 11th reply on, the oldest one read
    // is an agent reply; it was summarised alone on every reply, the customer's turns beside it never.
    const phone = '5511900007003';
    const before = summaryRequests().length;
    for (let i = 1; i <= 13; i++) await turn(phone, `pergunta curta ${i}`, i);
    expect(summaryRequests().length - before).toBe(0);
    // The reply reads the newest turns, starting with the customer's.
    const last = turnsOf(replyRequests().at(-1)!);
    expect(last).toContain('pergunta curta 13');
    expect(last).not.toContain('pergunta curta 3\n');
  });
});
