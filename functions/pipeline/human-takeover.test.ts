import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { fromTeamEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ settings: { humanPauseMinutes: 30 }, reply: () => 'Agent here.' });
});
afterAll(() => t?.stop());

describe('human takeover', () => {
  it('keeps the agent silent after the team replies from the phone, until the pause is lifted through the API', async () => {
    const phone = '15550404001';
    t.customerWrites(phone, 'Is the shop open today?');
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');

    // The team answers from the phone: Baileys reports it as fromMe, not sent by us.
    t.customerWrites(phone, 'Yes, until 6. — Ana', { fromMe: true });
    await eventually(async () => (await t.rows(phone)).some((r) => r.author === 'human'), 'the team message stored');
    t.customerWrites(phone, 'Great, thanks Ana!');
    await eventually(async () => (await t.rows(phone)).filter((r) => r.direction === 'in').length === 2, 'the customer message stored');
    await t.idle();
    expect(t.sentTo(phone)).toHaveLength(1);

    const conversationId = (await t.rows(phone))[0]!.conversationId;
    const resumed = await t.api(`/v1/conversations/${conversationId}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(200);

    t.customerWrites(phone, 'One more question');
    await eventually(() => t.sentTo(phone).length === 2, 'the agent answering again');
    const rows = await t.rows(phone);
    expect(rows.map((r) => r.author)).toEqual(['customer', 'agent', 'human', 'customer', 'customer', 'agent']);
  });

  it('answers again once the pause has ended', async () => {
    const phone = '15550404002';
    t.customerWrites(phone, 'Hello');
    await eventually(() => t.sentTo(phone).length === 1, 'the agent reply');
    // The team wrote from the phone 31 minutes ago (the event reaches us late): its 30-minute pause
    // is already over, so the agent keeps answering.
    const teamEvent = fromTeamEvent(phone, '3EB0TEAM0000000000000001', 'Old note from the team', {
      timestamp: Math.floor(Date.now() / 1000) - 31 * 60,
    });
    await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: teamEvent });
    await t.idle();
    expect((await t.rows(phone)).map((r) => r.author)).toContain('human');

    t.customerWrites(phone, 'Anyone there?');
    await eventually(() => t.sentTo(phone).length === 2, 'the agent answering after the pause ended');
  });
});
