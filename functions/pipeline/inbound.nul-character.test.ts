import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '../../drizzle/schema.ts';
import { textOf } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

/**
 * PostgreSQL text cannot hold U+0000. A customer's message carrying it used to fail in the database on
 * every delivery until the dead-letter list: never stored, never answered. What the customer wrote is
 * kept, without the NUL alone.
 */
const NUL = '\u0000';
let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    reply: (req) => (textOf(req.messages.at(-1)?.content).includes('odd model') ? `Here${NUL} you go` : 'Agent here.'),
  });
});
afterAll(() => t?.stop());

const nameOf = async (phone: string) =>
  (await t.db.select({ name: conversations.name }).from(conversations).where(eq(conversations.phone, phone)))[0]?.name;

describe('a customer message containing U+0000', () => {
  it('is stored without the NUL, with the name, and answered', async () => {
    const phone = '15550808001';
    t.fake.latest()!.inject({ from: phone, text: `Is the shop${NUL} open?${NUL}`, pushName: `Ana${NUL}` });
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');
    const rows = await t.rows(phone);
    expect(rows.map((r) => [r.author, r.text])).toEqual([
      ['customer', 'Is the shop open?'],
      ['agent', 'Agent here.'],
    ]);
    expect(await nameOf(phone)).toBe('Ana');
    expect(t.model.requests.at(-1)!.messages.at(-1)!.content).toBe('Is the shop open?');
  });

  it('queued by a socket-host that did not remove it, is still stored without it and answered', async () => {
    const phone = '15550808002';
    const event = receivedEvent(phone, '3EB0NUL00000000000000002', `Price${NUL} list?`, { pushName: `${NUL}Bruno` });
    await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');
    expect((await t.rows(phone)).map((r) => r.text)).toEqual(['Price list?', 'Agent here.']);
    expect(await nameOf(phone)).toBe('Bruno');
  });

  it('typed by the team on the phone is stored without it', async () => {
    const phone = '15550808003';
    t.customerWrites(phone, 'Hello');
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');
    t.customerWrites(phone, `On my way${NUL} — Ana`, { fromMe: true });
    await eventually(async () => (await t.rows(phone)).find((r) => r.author === 'human'), 'the team message stored');
    expect((await t.rows(phone)).find((r) => r.author === 'human')!.text).toBe('On my way — Ana');
  });

  it('in the model’s answer, is removed before the reply is stored and sent', async () => {
    const phone = '15550808004';
    t.customerWrites(phone, 'Say something odd model');
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');
    expect(t.sentTo(phone)[0]!.text).toBe('Here you go');
    expect((await t.rows(phone)).map((r) => r.text)).toEqual(['Say something odd model', 'Here you go']);
  });
});
