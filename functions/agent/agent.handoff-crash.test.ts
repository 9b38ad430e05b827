import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import { QSTASH_DEV_CREDENTIALS } from '../../shared/config/qstash-dev-credentials.ts';
import { signQStashJwt } from '../../shared/qstash-jwt.ts';
import { textOf, type ChatRequest } from '../../test-support/fake-openai.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';
import { claimQueries, finishClaim, STALE_CLAIM_SECONDS } from '../pipeline/reply-claim.ts';
import { storeMessage } from '../pipeline/store-message.ts';
import { handOff, handoffSentence } from './handoff.ts';

/** Asked for a person, the scripted model hands off and says nothing (the customer gets the default sentence). */
function model(req: ChatRequest) {
  const question = textOf(req.messages.findLast((m) => m.role === 'user')?.content);
  if (/pessoa/.test(question) && req.messages.at(-1)?.role !== 'tool') return { toolCalls: [{ name: 'handoff_to_human', arguments: {} }] };
  return /pessoa/.test(question) ? '' : 'Abrimos às 8h.';
}

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ reply: model });
});
afterAll(() => t?.stop());

const QUESTION = 'Quero falar com uma pessoa, por favor';

/**
 * What a writer killed right after handoff_to_human ran leaves behind: the customer's message, its
 * reply claimed long enough ago to be stale, and the conversation paused and flagged by the handoff.
 */
async function diedAfterHandingOff(phone: string, waMessageId: string) {
  const event = receivedEvent(phone, waMessageId, QUESTION, { at: new Date(Date.now() - 10_000).toISOString() });
  const { message, conversation } = await storeMessage(t.db, event, 30);
  const [[claim]] = await t.db.batch([...claimQueries(t.db, message)]);
  await t.db.update(messages).set({ updatedAt: sql`now() - make_interval(secs => ${STALE_CLAIM_SECONDS + 30})` }).where(eq(messages.id, claim!.id));
  await handOff(t.stack.functions.services, { sessionId: 'default', conversationId: conversation.id, triggerId: message.id, humanPauseMinutes: 30 }, null);
  return { event, claim: claim!, conversationId: conversation.id };
}

/** QStash redelivering the event to the hook, signed as QStash signs it; answers the hook's outcome. */
async function redeliver(event: unknown) {
  const url = `${t.stack.urls.functions}/hooks/whatsapp`;
  const body = JSON.stringify(event);
  const signature = await signQStashJwt({ signingKey: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY, url, body: new TextEncoder().encode(body) });
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'upstash-signature': signature }, body });
  expect(res.status).toBe(200);
  return ((await res.json()) as { outcome: string }).outcome;
}

describe('a writer that dies after handing off', () => {
  it('while composing: the redelivery still tells the customer a person will answer, once; later messages wait for the team', async () => {
    const phone = '5511900009001';
    const { event, conversationId } = await diedAfterHandingOff(phone, '3EB0HANDOFF00000000001');
    expect(await redeliver(event)).toBe('sent');
    expect(t.sentTo(phone).map((m) => m.text)).toEqual([handoffSentence(QUESTION)]);
    expect(await redeliver(event)).toBe('already_replied');

    const [row] = await t.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row!.needsHumanSince).toBeInstanceOf(Date);
    expect(row!.pausedUntil!.getTime()).toBeGreaterThan(Date.now());
    // The pause holds for the customer's next message.
    t.customerWrites(phone, 'Alô?');
    await eventually(async () => (await t.rows(phone)).filter((r) => r.direction === 'in').length === 2, 'the next message stored');
    await t.idle();
    expect(t.sentTo(phone)).toHaveLength(1);
  });

  it('after writing its reply, before sending it: the redelivery sends what was written', async () => {
    const phone = '5511900009002';
    const { event, claim } = await diedAfterHandingOff(phone, '3EB0HANDOFF00000000002');
    await finishClaim(t.db, claim, { parts: ['Uma pessoa da equipe já vai te responder.'], status: 'queued' });
    const calls = t.model.requests.length;
    expect(await redeliver(event)).toBe('sent');
    expect(t.sentTo(phone).map((m) => m.text)).toEqual(['Uma pessoa da equipe já vai te responder.']);
    expect(t.model.requests.length).toBe(calls);
  });
});
