import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../drizzle/schema.ts';
import { injectDatabaseFault } from '../../test-support/database-fault.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { claimQueries, finishClaim, STALE_CLAIM_SECONDS } from './reply-claim.ts';
import { storeMessage } from './store-message.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: () => 'Yes, we deliver.' });
});
afterAll(() => t?.stop());

/**
 * The state a composer killed mid-reply leaves behind: the customer's message stored and its reply
 * claimed ('generating') `ageSeconds` ago by the database's clock, in microseconds as Postgres keeps it.
 */
async function composerDiedWhileComposing(phone: string, waMessageId: string, ageSeconds: number) {
  // Seen by the socket-host a while ago, so no burst window is left to wait.
  const event = receivedEvent(phone, waMessageId, 'Do you deliver?', { at: new Date(Date.now() - 10_000).toISOString() });
  const { message } = await storeMessage(t.db, event, 30);
  const [[claim]] = await t.db.batch([...claimQueries(t.db, message)]);
  await t.db
    .update(messages)
    .set({ updatedAt: sql`now() - make_interval(secs => ${ageSeconds})` })
    .where(eq(messages.id, claim!.id));
  return { event, claim: claim! };
}

/** QStash redelivering the event to the hook, signed as QStash signs it. */
async function redeliver(event: unknown) {
  const url = `${t.stack.urls.functions}/hooks/whatsapp`;
  const body = JSON.stringify(event);
  const signature = await signQStashJwt({
    signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY,
    url,
    body: new TextEncoder().encode(body),
  });
  return await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body });
}

describe('a reply whose composer died', () => {
  it('is taken over by the redelivery once the claim is stale, and the customer gets one answer', async () => {
    const { event } = await composerDiedWhileComposing('15550909001', '3EB0DEAD000000000000001', STALE_CLAIM_SECONDS + 30);
    const res = await redeliver(event);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outcome: string }).outcome).toBe('sent');
    expect(t.sentTo('15550909001').map((m) => m.text)).toEqual(['Yes, we deliver.']);

    // Another redelivery after the answer sends nothing more.
    expect(((await (await redeliver(event)).json()) as { outcome: string }).outcome).toBe('already_replied');
    expect(t.sentTo('15550909001')).toHaveLength(1);
  });

  it('is left alone while its composer may still be alive: the redelivery is told to come back', async () => {
    const { event } = await composerDiedWhileComposing('15550909002', '3EB0DEAD000000000000002', 5);
    const res = await redeliver(event);
    expect(res.status).toBe(503);
    // The queue comes back once the claim would be stale: one retry of the free plan's three, not all.
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(STALE_CLAIM_SECONDS - 5);
    expect(t.sentTo('15550909002')).toHaveLength(0);
  });

  it('a composer that was only slow finds its claim taken over and writes nothing', async () => {
    const { event, claim } = await composerDiedWhileComposing('15550909003', '3EB0DEAD000000000000003', STALE_CLAIM_SECONDS + 30);
    expect((await redeliver(event)).status).toBe(200);
    // The slow writer comes back with its composed reply after the takeover answered.
    expect(await finishClaim(t.db, claim, { parts: ['A late second answer', 'in two parts'], status: 'queued' })).toBe('lost');
    const replies = await t.db.select({ text: messages.text }).from(messages).where(eq(messages.replyTo, claim.replyTo!));
    expect(replies.map((r) => r.text)).toEqual(['Yes, we deliver.']);
    expect(t.sentTo('15550909003').map((m) => m.text)).toEqual(['Yes, we deliver.']);
  });
});

describe('a reply whose composer failed after claiming it', () => {
  it('gives the claim back, so the queue retry answers at once instead of waiting for the claim to go stale', async () => {
    // A real database fault, once: the first write of a composed reply into its claim is refused.
    const fault = await injectDatabaseFault(t.databaseUrl, {
      table: 'messages',
      on: 'update',
      when: `old.status = 'generating' and new.status <> 'generating'`,
      times: 1,
    });
    try {
      t.customerWrites('15550909004', 'Is the bakery open on Sunday?');
      // Well inside the 60 s a stale claim needs: only a released claim is answered this soon.
      await eventually(() => t.sentTo('15550909004').length === 1, 'the reply after the retry', 15_000);
      await t.idle();
      expect(t.sentTo('15550909004').map((m) => m.text)).toEqual(['Yes, we deliver.']);
      const rows = await t.rows('15550909004');
      expect(rows.filter((r) => r.direction === 'out').map((r) => r.status)).toEqual(['sent']);
      expect(await fault.refusals()).toBe(1);
    } finally {
      await fault.remove();
    }
  });
});
