import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<Record<string, unknown>>[] = [];

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Sure, see you at 5.' });
  const subscribed = await subscribeReceiver<Record<string, unknown>>(t, ['message.received', 'message.sent', 'conversation.paused']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

describe('the pipeline’s webhooks', () => {
  it('signs message.received and message.sent for a real conversation, and conversation.paused when the team replies', async () => {
    const phone = '15550808001';
    t.customerWrites(phone, 'Can I come at 5?');
    await eventually(() => received.some((e) => e.type === 'message.sent'), 'message.sent');
    t.customerWrites(phone, 'I will handle this one — Ana', { fromMe: true });
    await eventually(() => received.some((e) => e.type === 'conversation.paused'), 'conversation.paused');
    await t.idle();

    expect(received.map((e) => e.type).sort()).toEqual(['conversation.paused', 'message.received', 'message.sent']);
    const inbound = received.find((e) => e.type === 'message.received')!.data as { message: { text: string }; contact: { phone: string } };
    expect(inbound.message.text).toBe('Can I come at 5?');
    expect(inbound.contact.phone).toBe(phone);
    const sent = received.find((e) => e.type === 'message.sent')!.data as { message: { text: string; author: string; status: string } };
    expect(sent.message).toMatchObject({ text: 'Sure, see you at 5.', author: 'agent', status: 'sent' });
    expect(received.find((e) => e.type === 'conversation.paused')!.data).toMatchObject({ by: 'team' });
  });
});
