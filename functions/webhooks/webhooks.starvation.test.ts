import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import { emitWebhookEvent } from './emit.ts';

/**
 * Issue 8, defect 7: four dead subscribers piled up delivery jobs in front of the customers' messages.
 * Here two subscribers never answer (a socket that accepts and stays silent) and two refuse the
 * connection, each with a backlog of events; customers writing meanwhile must still be answered as
 * fast as the pipeline answers at all — well inside one subscriber timeout.
 */
const EVENTS = 25;
const CUSTOMERS = 4;
/**
 * The stack answers in about a second. Before the fix the backlog held every queue worker for 15 s
 * per attempt, and the replies came after the whole backlog: this bound tells the two apart with room
 * for a loaded machine.
 */
const PROMPT_MS = 12_000;

let t: PipelineStack;
const hanging: Server[] = [];
const held: Socket[] = [];
beforeAll(async () => {
  // Pausing would end the backlog early; this test is about the queue keeping deliveries apart.
  t = await startPipelineStack({ reply: () => 'We open at 9.', env: { WEBHOOK_PAUSE_AFTER_FAILURES: '1000' } });
});
afterAll(async () => {
  // Let the attempts still waiting on them fail now rather than at their timeout.
  for (const socket of held) socket.destroy();
  for (const server of hanging) server.close();
  await t?.stop();
});

async function hangingUrl(): Promise<string> {
  const server = createServer((socket) => held.push(socket)); // accepts, answers nothing
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hanging.push(server);
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

describe('webhook deliveries and the customers', () => {
  it('customers are answered promptly while hanging and unreachable subscribers have a backlog', async () => {
    const urls = [await hangingUrl(), await hangingUrl(), `http://127.0.0.1:${await freePort()}/hook`, `http://127.0.0.1:${await freePort()}/hook`];
    for (const url of urls) {
      const res = await t.api('/v1/webhooks', { method: 'POST', body: JSON.stringify({ url, events: ['session.status'] }) });
      expect(res.status).toBe(201);
    }
    for (let i = 0; i < EVENTS; i++) {
      await emitWebhookEvent(t.stack.functions.services, 'session.status', { sessionId: 'default', status: 'reconnecting', reason: `drill ${i}`, phone: null });
    }

    const started = Date.now();
    const phones = Array.from({ length: CUSTOMERS }, (_, i) => `1555077${String(i).padStart(4, '0')}`);
    for (const phone of phones) t.customerWrites(phone, 'When do you open?');
    for (const phone of phones) {
      await eventually(() => t.sentTo(phone).length === 1, `the reply to ${phone}`, PROMPT_MS - (Date.now() - started));
    }
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    for (const phone of phones) expect(t.sentTo(phone)).toHaveLength(1);
  });
});
