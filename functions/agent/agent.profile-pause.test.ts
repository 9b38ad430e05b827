import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { receivedEvent } from '../../test-support/wa-events.ts';

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({ env: { WA_SESSIONS: 'default,florist' }, settings: { humanPauseMinutes: 30 }, reply: () => 'Olá!' });
});
afterAll(() => t?.stop());

/**
 * A conversation of one number (the florist's by default): a customer wrote to it and was answered.
 * The event names its number: with two numbers linked, the fake socket a test would inject through
 * may be either one.
 */
async function floristConversation(phone: string, sessionId = 'florist') {
  const waMessageId = `3EB0${crypto.randomUUID().replaceAll('-', '').slice(0, 18).toUpperCase()}`;
  const event = receivedEvent(phone, waMessageId, 'Bom dia', { sessionId, id: `${sessionId}:${waMessageId}` });
  await t.stack.functions.services.qstash.publishJSON({ url: `${t.stack.urls.functions}/hooks/whatsapp`, body: event });
  await eventually(async () => (await t.rows(phone)).some((r) => r.direction === 'out'), 'the agent reply');
  return (await t.rows(phone))[0]!.conversationId;
}

const minutesLeft = (pausedUntil: string) => (Date.parse(pausedUntil) - Date.now()) / 60_000;

describe('a pause without minutes uses the takeover time of the number’s own profile', () => {
  beforeAll(async () => {
    const put = await t.api('/v1/agent?sessionId=florist', { method: 'PUT', body: JSON.stringify({ humanPauseMinutes: 90 }) });
    expect(put.status).toBe(200);
  });

  it('POST /v1/conversations/{id}/pause', async () => {
    const id = await floristConversation('5511900010001');
    const res = await t.api(`/v1/conversations/${id}/pause`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    const minutes = minutesLeft(((await res.json()) as { pausedUntil: string }).pausedUntil);
    expect(minutes).toBeGreaterThan(85);
    expect(minutes).toBeLessThanOrEqual(90);
  });

  it('POST /v1/conversations/{id}/messages (a person of the team replies)', async () => {
    const id = await floristConversation('5511900010002');
    const res = await t.api(`/v1/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'Oi, aqui é a Ana.' }) });
    expect(res.status).toBe(202);
    const [conversation] = ((await (await t.api('/v1/conversations?sessionId=florist')).json()) as { data: { id: string; pausedUntil: string }[] }).data.filter(
      (c) => c.id === id,
    );
    expect(minutesLeft(conversation!.pausedUntil)).toBeGreaterThan(85);
  });

  it('a number without its own profile still uses the default’s', async () => {
    const id = await floristConversation('5511900010003', 'default');
    const res = await t.api(`/v1/conversations/${id}/pause`, { method: 'POST', body: '{}' });
    const minutes = minutesLeft(((await res.json()) as { pausedUntil: string }).pausedUntil);
    expect(minutes).toBeGreaterThan(25);
    expect(minutes).toBeLessThanOrEqual(30);
  });
});
