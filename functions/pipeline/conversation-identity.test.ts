/**
 * One customer, one conversation: WhatsApp names a customer by phone number or by LID, and Baileys 7
 * says both when it knows the mapping (`remoteJidAlt`). Through the real stack — the socket-host with
 * a fake socket emitting Baileys' shapes, the queue, the functions, PostgreSQL — a customer seen under
 * both names has one conversation, with all their messages, and each message is answered once.
 */
import { asc, eq, inArray, or } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations } from '../../drizzle/schema.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ settings: { humanPauseMinutes: 30 }, reply: () => 'Agent here.' });
});
afterAll(() => t?.stop());

/** Every conversation of the customer, under either name. */
async function conversationsOf(phone: string, lid: string) {
  return await t.db
    .select()
    .from(conversations)
    .where(or(eq(conversations.phone, phone), inArray(conversations.contactJid, [lid, `${phone}@s.whatsapp.net`])))
    .orderBy(asc(conversations.createdAt));
}

async function listed(phone: string) {
  const res = await t.api(`/v1/conversations?q=${phone}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { id: string; contactJid: string; phone: string | null }[] }).data;
}

/** A customer writes under their LID; `alt` is their phone when Baileys knows it (remoteJidAlt). */
const writesAsLid = (lid: string, text: string, alt?: string) => t.fake.latest()!.inject({ from: lid, text, ...(alt ? { alt } : {}) });

describe('one customer, one conversation', () => {
  it('keeps the conversation of a customer first seen by phone when they write under their LID, answering each message once', async () => {
    const phone = '15550808001';
    const lid = '210000000008001@lid';
    t.customerWrites(phone, 'Hi, do you deliver?');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply to the phone');
    const [first] = await conversationsOf(phone, lid);

    writesAsLid(lid, 'And on Sundays?', phone);
    await eventually(() => t.sentTo(lid).length === 1, 'the reply to the LID');
    await t.idle();

    const all = await conversationsOf(phone, lid);
    expect(all).toHaveLength(1);
    // Re-keyed, not replaced: the same id, now under the LID, with the phone beside it.
    expect(all[0]).toMatchObject({ id: first!.id, contactJid: lid, phone });
    expect((await t.rows(phone)).map((r) => [r.author, r.text])).toEqual([
      ['customer', 'Hi, do you deliver?'],
      ['agent', 'Agent here.'],
      ['customer', 'And on Sundays?'],
      ['agent', 'Agent here.'],
    ]);
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(t.sentTo(lid)).toHaveLength(1);
    expect(await listed(phone)).toEqual([expect.objectContaining({ id: first!.id, contactJid: lid, phone })]);
  });

  it('finds the LID-keyed conversation for a message that names the customer by phone only, and POST /v1/messages to the number', async () => {
    const phone = '15550808002';
    const lid = '210000000008002@lid';
    writesAsLid(lid, 'Hello from my LID', phone);
    await eventually(() => t.sentTo(lid).length === 1, 'the reply to the LID');

    t.customerWrites(phone, 'Hello from my number');
    await eventually(async () => (await t.rows(phone)).filter((r) => r.author === 'agent').length === 2, 'the second reply');
    await t.idle();
    const all = await conversationsOf(phone, lid);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ contactJid: lid, phone });
    expect((await t.rows(phone)).map((r) => r.author)).toEqual(['customer', 'agent', 'customer', 'agent']);
    expect(t.sentTo(lid).length + t.sentTo(phone).length).toBe(2);

    // An integrator writing to the phone number (digits or its JID) reaches the same conversation, sent to the LID.
    for (const [to, text] of [[`+${phone}`, 'Your order left.'], [`${phone}@s.whatsapp.net`, 'It arrives at 5.']] as const) {
      const res = await t.api('/v1/messages', { method: 'POST', body: JSON.stringify({ sessionId: 'default', to, text }) });
      expect(res.status, to).toBe(202);
      expect(((await res.json()) as { conversationId: string }).conversationId, to).toBe(all[0]!.id);
      await eventually(() => t.sentTo(lid).some((r) => JSON.stringify(r).includes(text)), `the API message to ${to} sent to the LID`);
    }
    expect(await conversationsOf(phone, lid)).toHaveLength(1);
  });

  it('merges two conversations into the older one when the mapping arrives, keeping the pause of one and the needs-human of the other', async () => {
    const phone = '15550808003';
    const lid = '210000000008003@lid';
    // Under the phone: answered, then the team takes over from the phone (a pause).
    t.customerWrites(phone, 'First, by number');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply to the phone');
    t.customerWrites(phone, 'We will call you. — Ana', { fromMe: true });
    await eventually(async () => (await conversationsOf(phone, lid))[0]?.pausedUntil != null, 'the pause');
    // Under the LID, with no phone known yet: a second conversation, answered.
    writesAsLid(lid, 'Second, by LID');
    await eventually(() => t.sentTo(lid).length === 1, 'the reply to the LID');
    const [older, newer] = await conversationsOf(phone, lid);
    expect([older?.contactJid, newer?.contactJid]).toEqual([`${phone}@s.whatsapp.net`, lid]);
    // The newer one was handed to a person (as handoff_to_human marks it): that survives the merge too.
    const handedOff = new Date(Date.now() - 60_000);
    await t.db.update(conversations).set({ needsHumanSince: handedOff }).where(eq(conversations.id, newer!.id));

    // Baileys now gives both: one conversation, the older one, keyed on the LID, still paused.
    writesAsLid(lid, 'Third, with both', phone);
    await eventually(async () => (await conversationsOf(phone, lid)).length === 1, 'the merge');
    await t.idle();
    const [merged] = await conversationsOf(phone, lid);
    expect(merged).toMatchObject({ id: older!.id, contactJid: lid, phone });
    expect(merged!.pausedUntil!.getTime()).toBeGreaterThan(Date.now());
    expect(merged!.needsHumanSince?.getTime()).toBe(handedOff.getTime());
    expect((await t.rows(phone)).map((r) => r.text)).toEqual([
      'First, by number',
      'Agent here.',
      'We will call you. — Ana',
      'Second, by LID',
      'Agent here.',
      'Third, with both',
    ]);
    // Paused: the message after the merge is not answered.
    expect(t.sentTo(phone)).toHaveLength(1);
    expect(t.sentTo(lid)).toHaveLength(1);
    expect(await listed(phone)).toEqual([expect.objectContaining({ id: older!.id })]);
  });

  it('merges them as soon as Baileys announces the pair (lid-mapping.update), before the customer writes again', async () => {
    const phone = '15550808004';
    const lid = '210000000008004@lid';
    t.customerWrites(phone, 'By number');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply to the phone');
    writesAsLid(lid, 'By LID');
    await eventually(() => t.sentTo(lid).length === 1, 'the reply to the LID');
    const [older] = await conversationsOf(phone, lid);
    expect(await listed(phone)).toHaveLength(1); // the LID-keyed one has no phone yet: search finds only the other

    t.fake.latest()!.emit('lid-mapping.update', { lid, pn: `${phone}@s.whatsapp.net` });
    await eventually(async () => (await conversationsOf(phone, lid)).length === 1, 'the merge');
    await t.idle();
    const [merged] = await conversationsOf(phone, lid);
    expect(merged).toMatchObject({ id: older!.id, contactJid: lid, phone });
    expect((await t.rows(phone)).map((r) => r.text)).toEqual(['By number', 'Agent here.', 'By LID', 'Agent here.']);
    expect(await listed(phone)).toEqual([expect.objectContaining({ id: older!.id, contactJid: lid })]);
    // No reply for a mapping; nothing more was sent.
    expect(t.sentTo(phone).length + t.sentTo(lid).length).toBe(2);
  });

  it("takes the phone from Baileys' mapping store for a message under a LID alone", async () => {
    const phone = '15550808005';
    const lid = '210000000008005@lid';
    t.customerWrites(phone, 'By number');
    await eventually(() => t.sentTo(phone).length === 1, 'the reply to the phone');
    const [first] = await conversationsOf(phone, lid);

    // Baileys has the pair cached (lidMapping.getPNForLID), though this message has no remoteJidAlt.
    t.fake.latest()!.directory.users.set(phone, lid);
    writesAsLid(lid, 'By LID, no Alt');
    await eventually(() => t.sentTo(lid).length === 1, 'the reply to the LID');
    await t.idle();
    expect(await conversationsOf(phone, lid)).toEqual([expect.objectContaining({ id: first!.id, contactJid: lid, phone })]);
    expect(t.fake.latest()!.calls.map((c) => c.method)).toContain('signalRepository.lidMapping.getPNForLID');
  });
});
