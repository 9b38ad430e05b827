/**
 * The database refuses to record a send right after WhatsApp accepted it (a real PostgreSQL error on
 * that very write, for as long as the test keeps the outage on). The reply must still reach the
 * customer exactly once, and the record lands once the database takes writes again.
 */
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSentMessages } from '../../drizzle/schema.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
let admin: pg.Client;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Your order ships today.' });
  admin = new pg.Client({ connectionString: t.databaseUrl });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await t?.stop();
});

/** Failed attempts to mark a send as sent, counted by a sequence (not rolled back with the failed write). */
async function refusedMarks(): Promise<number> {
  const { rows } = await admin.query<{ last_value: string; is_called: boolean }>('select last_value, is_called from refused_marks');
  return rows[0]!.is_called ? Number(rows[0]!.last_value) : 0;
}

describe('a database outage right after WhatsApp accepted a send', () => {
  it('sends the reply exactly once, and records it once the database is back', async () => {
    await admin.query(`
      create table outage (on_since timestamptz);
      insert into outage values (now());
      create sequence refused_marks;
      create function refuse_marks() returns trigger language plpgsql as $$
      begin
        if new.state = 'sent' and exists (select 1 from outage) then
          perform nextval('refused_marks');
          raise exception 'injected outage: the database is unreachable';
        end if;
        return new;
      end $$;
      create trigger refuse_marks before update on wa_sent_messages for each row execute function refuse_marks();`);
    try {
      t.customerWrites('15550808001', 'Where is my order?');
      await eventually(() => t.sentTo('15550808001').length === 1, 'the reply to reach WhatsApp');
      // The record was refused, and retried, while WhatsApp already has the message.
      await eventually(async () => (await refusedMarks()) >= 3, 'the record to be refused and retried');
      expect(t.sentTo('15550808001')).toHaveLength(1);
      const [reply] = (await t.rows('15550808001')).filter((r) => r.direction === 'out');
      await eventually(async () => (await t.rows('15550808001')).some((r) => r.direction === 'out' && r.status === 'sent'), 'the reply recorded as sent by the functions');

      await admin.query('delete from outage');
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
      await admin.query('drop trigger refuse_marks on wa_sent_messages; drop function refuse_marks(); drop sequence refused_marks; drop table outage;');
    }
  });
});
