import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { fromTeamEvent, receivedEvent } from '../../test-support/wa-events.ts';
import { subscribeReceiver, type ReceivedWebhook } from '../../test-support/webhook-receiver.ts';

type Updated = { sessionId: string; conversationId: string; change: string; message: Record<string, unknown> };

let t: PipelineStack;
let receiver: { close(): Promise<void> } | undefined;
let received: ReceivedWebhook<Updated>[] = [];

beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Abrimos às 9h.' });
  const subscribed = await subscribeReceiver<Updated>(t, ['message.updated']);
  ({ received } = subscribed);
  receiver = subscribed;
});
afterAll(async () => {
  await t?.stop();
  await receiver?.close();
});

const updates = (conversationId: string, change?: string) =>
  received.filter((e) => e.type === 'message.updated' && e.data.conversationId === conversationId && (!change || e.data.change === change));

/** Publishes an event to the functions as the queue would redeliver it. */
const redeliver = (event: object) => t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });

describe('message.updated: reactions, edits and deletes reach subscribers', () => {
  it('a customer’s reaction, edit and delete each arrive once, signed, with the message as it is after the change', async () => {
    const phone = '15550940100';
    const question = '3EB0CHANGEME000000001';
    t.customerWrites(phone, 'Vocês abrem sábado?', { id: question });
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    await t.idle();
    const ourReply = t.sentTo(phone)[0]!;
    const rows = await t.rows(phone);
    const { conversationId } = rows[0]!;
    const questionId = rows.find((r) => r.direction === 'in')!.id;
    const replyId = rows.find((r) => r.direction === 'out')!.id;

    // Baileys' shapes, as WhatsApp delivers them (see socket-host/normalize.fixtures.ts).
    t.customerSends(
      phone,
      { reactionMessage: { key: { remoteJid: ourReply.to, fromMe: true, id: ourReply.id }, text: '👍', senderTimestampMs: Date.now() } },
      { id: '3EB0REACTION000000001' },
    );
    await eventually(() => updates(conversationId, 'reaction').length > 0, 'the reaction webhook');
    t.customerSends(
      phone,
      {
        editedMessage: {
          message: { protocolMessage: { key: { remoteJid: ourReply.to, fromMe: false, id: question }, type: 14, editedMessage: { conversation: 'Vocês abrem domingo?' } } },
        },
      },
      { id: '3EB0EDIT0000000000001' },
    );
    await eventually(() => updates(conversationId, 'edit').length > 0, 'the edit webhook');
    t.customerSends(phone, { protocolMessage: { key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false, id: question }, type: 0 } }, { id: '3EB0DELETE00000000001' });
    await eventually(() => updates(conversationId, 'delete').length > 0, 'the delete webhook');
    await t.idle();

    expect(updates(conversationId).map((e) => e.data.change)).toEqual(['reaction', 'edit', 'delete']);
    const [reaction, edit, deletion] = updates(conversationId);
    expect(reaction!.data).toMatchObject({
      sessionId: 'default',
      conversationId,
      change: 'reaction',
      message: { id: replyId, direction: 'out', author: 'agent', text: 'Abrimos às 9h.', reactions: [{ emoji: '👍', from: 'customer' }], edited: false, deleted: false },
    });
    expect(edit!.data).toMatchObject({
      change: 'edit',
      message: { id: questionId, direction: 'in', author: 'customer', text: 'Vocês abrem domingo?', edited: true, deleted: false },
    });
    expect(deletion!.data).toMatchObject({ change: 'delete', message: { id: questionId, direction: 'in', deleted: true, edited: true } });
    expect(new Date(deletion!.timestamp).getTime()).not.toBeNaN();
    // What the API shows is what the last event said.
    const page = await (await t.api(`/v1/conversations/${conversationId}/messages`)).json();
    expect(page.data.find((m: { id: string }) => m.id === questionId)).toEqual(deletion!.data.message);

    // The queue delivers the reaction again (at least once): applied again, not announced again.
    await redeliver(
      receivedEvent(phone, '3EB0REACTION000000001', '', {
        chatJid: ourReply.to,
        messageType: 'reaction',
        change: { action: 'reaction', targetWaMessageId: ourReply.id, emoji: '👍' },
      }),
    );
    await t.idle();
    expect(updates(conversationId, 'reaction')).toHaveLength(1);
    expect(updates(conversationId)).toHaveLength(3);
  });

  it('the team reacting on the phone is a message.updated too; a change to a message never stored emits nothing', async () => {
    const phone = '15550940200';
    const question = '3EB0TEAMREACT00000001';
    t.customerWrites(phone, 'Obrigado!', { id: question });
    await eventually(() => t.sentTo(phone).length === 1, 'the reply');
    await t.idle();
    const rows = await t.rows(phone);
    const { conversationId } = rows[0]!;

    await redeliver(
      fromTeamEvent(phone, '3EB0TEAMHEART00000001', '', {
        chatJid: t.sentTo(phone)[0]!.to,
        messageType: 'reaction',
        change: { action: 'reaction', targetWaMessageId: question, emoji: '❤️' },
      }),
    );
    await eventually(() => updates(conversationId).length > 0, 'the team reaction webhook');
    await t.idle();
    expect(updates(conversationId)).toHaveLength(1);
    expect(updates(conversationId)[0]!.data).toMatchObject({
      change: 'reaction',
      message: { id: rows.find((r) => r.direction === 'in')!.id, reactions: [{ emoji: '❤️', from: 'team' }] },
    });

    // A reaction to a message this system never stored: retried once, then let go, unannounced.
    const before = received.length;
    await redeliver(
      receivedEvent(phone, '3EB0ORPHANREACTION001', '', {
        chatJid: t.sentTo(phone)[0]!.to,
        messageType: 'reaction',
        change: { action: 'reaction', targetWaMessageId: '3EB0NEVERSTORED000001', emoji: '😮' },
      }),
    );
    await t.idle();
    expect(received.length).toBe(before);
  });
});
