import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    settings: { instructions: 'You are the bakery assistant. Be brief.' },
    reply: (req) => `Answer #${req.messages.filter((m) => m.role === 'user').length}`,
  });
});
afterAll(() => t?.stop());

describe('a customer message, through the real stack', () => {
  it('becomes one stored inbound row and one reply; the model gets the instructions and earlier turns', async () => {
    t.customerWrites('15550101001', 'Do you have croissants?');
    await eventually(() => t.sentTo('15550101001').length === 1, 'the first reply');
    t.customerWrites('15550101001', 'And baguettes?');
    await eventually(() => t.sentTo('15550101001').length === 2, 'the second reply');
    await t.idle();

    const rows = await t.rows('15550101001');
    expect(rows.map((r) => [r.direction, r.author, r.text, r.status])).toEqual([
      ['in', 'customer', 'Do you have croissants?', 'received'],
      ['out', 'agent', 'Answer #1', 'sent'],
      ['in', 'customer', 'And baguettes?', 'received'],
      ['out', 'agent', 'Answer #2', 'sent'],
    ]);
    expect(t.sentTo('15550101001').map((s) => s.text)).toEqual(['Answer #1', 'Answer #2']);
    // WhatsApp got exactly the ids the database recorded.
    expect(t.sentTo('15550101001').map((s) => s.id)).toEqual(rows.filter((r) => r.direction === 'out').map((r) => r.waMessageId));

    const second = t.model.requests.at(-1)!;
    expect(second.messages[0]).toMatchObject({ role: 'system' });
    expect(second.messages[0]!.content).toContain('You are the bakery assistant.');
    expect(second.messages.slice(1)).toEqual([
      { role: 'user', content: 'Do you have croissants?' },
      { role: 'assistant', content: 'Answer #1' },
      { role: 'user', content: 'And baguettes?' },
    ]);
  });

  it('the same WhatsApp message delivered three times (live, offline replay, queue redelivery) gets one reply', async () => {
    const live = t.customerWrites('15550101002', 'Opening hours?', { id: '3EB0AAAA000000000000001' });
    t.customerWrites('15550101002', 'Opening hours?', { id: live.key.id!, type: 'append' });
    await eventually(() => t.sentTo('15550101002').length === 1, 'the reply');

    // The queue delivers the same event again (at-least-once), after the reply went out.
    const event = receivedEvent('15550101002', live.key.id!, 'Opening hours?');
    await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
    await t.idle();

    const rows = await t.rows('15550101002');
    expect(rows.filter((r) => r.direction === 'in')).toHaveLength(1);
    expect(rows.filter((r) => r.direction === 'out')).toHaveLength(1);
    expect(t.sentTo('15550101002')).toHaveLength(1);
  });
});
