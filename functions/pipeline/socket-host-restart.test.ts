import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: (req) => `Re: ${req.messages.at(-1)!.content}` });
});
afterAll(() => t?.stop());

describe('the socket-host restarting', () => {
  it('loses nothing: every message sent while it was down is answered once and every reply sent once', async () => {
    t.customerWrites('15550505001', 'Before the restart');
    await eventually(() => t.sentTo('15550505001').length === 1, 'the first reply');

    await t.stack.stopSocketHost();
    // An event the host published just before it went down: the reply is composed but cannot be sent.
    await t.stack.functions.services.qstash.publishJSON({
      url: `${t.stack.urls.functions}/hooks/whatsapp`,
      body: receivedEvent('15550505002', '3EB0PENDING0000000000001', 'Sent just before the crash'),
    });
    const pending = await eventually(
      async () => (await t.rows('15550505002')).find((r) => r.direction === 'out' && r.error),
      'the reply stored and its first send refused',
    );
    expect(pending.status).toBe('queued');
    expect(t.sentTo('15550505002')).toHaveLength(0);

    const host = await t.stack.startSocketHost();
    expect(host.url).toBe(t.stack.urls.socketHost);
    await eventually(() => t.fake.latest()?.state === 'open', 'the new socket to connect');
    // WhatsApp replays what customers wrote while the socket was offline (`append`), including one
    // message the old socket had already seen.
    t.customerWrites('15550505003', 'Written while you were down', { type: 'append' });
    t.customerWrites('15550505004', 'Me too', { type: 'append' });
    const first = (await t.rows('15550505001'))[0]!;
    t.customerWrites('15550505001', 'Before the restart', { id: first.waMessageId, type: 'append' });

    for (const phone of ['15550505002', '15550505003', '15550505004']) {
      await eventually(() => t.sentTo(phone).length === 1, `the reply to ${phone}`, 30_000);
    }
    await t.idle();
    for (const phone of ['15550505001', '15550505002', '15550505003', '15550505004']) {
      const rows = await t.rows(phone);
      expect(rows.filter((r) => r.direction === 'in'), phone).toHaveLength(1);
      expect(rows.filter((r) => r.direction === 'out'), phone).toHaveLength(1);
      expect(rows.filter((r) => r.direction === 'out')[0]!.status, phone).toBe('sent');
      expect(t.sentTo(phone), phone).toHaveLength(1);
    }
  });
});
