import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectDatabaseFault } from '../../test-support/database-fault.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'We open at 8.' });
});
afterAll(() => t?.stop());

describe('the inbound hook and the queue', () => {
  it('fails once with a 5xx, is retried by the queue, and the customer gets one reply', async () => {
    // A real database fault on the first attempt only: the first insert into messages is refused.
    const fault = await injectDatabaseFault(t.databaseUrl, { table: 'messages', on: 'insert', times: 1 });
    try {
      const failedBefore = t.stack.standIns.qstash.stats.failedDeliveries;
      t.customerWrites('15550202001', 'When do you open?');
      await eventually(() => t.sentTo('15550202001').length === 1, 'the reply after the retry');
      await t.idle();
      expect(t.stack.standIns.qstash.stats.failedDeliveries).toBeGreaterThan(failedBefore);
      const rows = await t.rows('15550202001');
      expect(rows.map((r) => [r.direction, r.text])).toEqual([
        ['in', 'When do you open?'],
        ['out', 'We open at 8.'],
      ]);
      expect(t.sentTo('15550202001')).toHaveLength(1);
    } finally {
      await fault.remove();
    }
  });

  it('answers an undecodable event 489, which the queue does not retry and keeps in the dead-letter list', async () => {
    const before = await t.messageCount();
    const deliveriesBefore = t.stack.standIns.qstash.stats.deliveries;
    const { messageId } = await t.stack.functions.services.qstash.publishJSON({
      url: `${t.stack.urls.functions}/hooks/whatsapp`,
      body: { v: 1, type: 'message.received', text: 'no ids at all' },
      retries: 3,
    });
    await t.idle();
    expect(t.stack.standIns.qstash.stats.deliveries - deliveriesBefore).toBe(1);
    const { messages } = await t.stack.functions.services.qstash.dlq.listMessages();
    const dead = messages.find((m) => m.messageId === messageId);
    expect(dead).toBeDefined();
    expect(dead!.responseStatus).toBe(489);
    expect(await t.messageCount()).toBe(before);
  });
});
