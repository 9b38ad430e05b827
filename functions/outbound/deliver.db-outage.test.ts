/**
 * The database refuses to record a send right after WhatsApp accepted it (a real PostgreSQL error on
 * that very write, for as long as the test keeps the outage on). The reply must still reach the
 * customer exactly once, and the record lands once the database takes writes again.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSentMessages } from '../../drizzle/schema.ts';
import { injectDatabaseFault } from '../../test-support/database-fault.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Your order ships today.' });
});
afterAll(() => t?.stop());

describe('a database outage right after WhatsApp accepted a send', () => {
  it('sends the reply exactly once, and records it once the database is back', async () => {
    const outage = await injectDatabaseFault(t.databaseUrl, { table: 'wa_sent_messages', on: 'update', when: `new.state = 'sent'` });
    try {
      t.customerWrites('15550808001', 'Where is my order?');
      await eventually(() => t.sentTo('15550808001').length === 1, 'the reply to reach WhatsApp');
      // The record was refused, and retried, while WhatsApp already has the message.
      await eventually(async () => (await outage.refusals()) >= 3, 'the record to be refused and retried');
      expect(t.sentTo('15550808001')).toHaveLength(1);
      const [reply] = (await t.rows('15550808001')).filter((r) => r.direction === 'out');
      await eventually(async () => (await t.rows('15550808001')).some((r) => r.direction === 'out' && r.status === 'sent'), 'the reply recorded as sent by the functions');

      await outage.lift();
      await eventually(
        async () => (await t.db.select().from(waSentMessages).where(eq(waSentMessages.waMessageId, reply!.waMessageId)))[0]?.state === 'sent',
        'the send recorded once the database is back',
      );
      await t.idle();
      expect(t.sentTo('15550808001').map((s) => s.id)).toEqual([reply!.waMessageId]);
      expect((await t.rows('15550808001')).map((r) => [r.direction, r.status])).toEqual([
        ['in', 'received'],
        ['out', 'sent'],
      ]);
    } finally {
      await outage.remove();
    }
  });
});
