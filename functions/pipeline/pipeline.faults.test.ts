/**
 * The first promise under faults: every customer message answered once, nothing sent twice. Twenty
 * customers write while the functions and the socket-host are killed with SIGKILL mid-reply and
 * PostgreSQL and Redis restart under load; then WhatsApp's side counts what it received.
 * The processes, the private PostgreSQL and Redis, and the model are in test-support/faults/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test-support/eventually.ts';
import { replyTo, startFaultStack, type FaultStack } from '../../test-support/faults/fault-stack.ts';
import { STALE_CLAIM_SECONDS } from './reply-claim.ts';

const CUSTOMERS = 20;
/**
 * How long after the last fault everything may take to be answered: a claim whose composer died (a
 * kill, a database error after claiming) is taken over once stale, by the redelivery the hook's
 * Retry-After schedules; 20 s more for composing and sending.
 */
const SETTLE_MS = Number(process.env.FAULTS_SETTLE_MS ?? (STALE_CLAIM_SECONDS + 5 + 20) * 1000);
const phone = (i: number) => `55119${String(1000000 + i).padStart(7, '0')}`;

describe('the pipeline under faults', () => {
  let stack: FaultStack;
  beforeAll(async () => {
    stack = await startFaultStack();
  }, 60_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers every customer message once, and sends nothing twice, across kills and restarts', async () => {
    const faults: string[] = [];
    const note = (what: string) => faults.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
    const started = Date.now();
    /** How often WhatsApp received the answer to this customer message. */
    const repliesTo = (m: { from: string; text: string }) =>
      stack.received.filter((r) => r.to === `${m.from}@s.whatsapp.net` && r.text === replyTo(m.text)).length;

    // Each customer writes once, one every 150 ms, and again once answered (as people do).
    const secondMessages: Promise<unknown>[] = [];
    let ended = false;
    const firstMessages = (async () => {
      for (let i = 0; i < CUSTOMERS; i++) {
        const customer = i;
        await stack.customerWrites(phone(customer), `c${customer} m1`);
        secondMessages.push(
          eventually(() => ended || repliesTo({ from: phone(customer), text: `c${customer} m1` }) > 0, `c${customer}'s first answer`, SETTLE_MS + 60_000).then(() =>
            ended ? undefined : stack.customerWrites(phone(customer), `c${customer} m2`),
          ),
        );
        await new Promise((r) => setTimeout(r, 150));
      }
    })();

    // 1. The functions die while replies are being composed (the model takes 1–3 s).
    await eventually(() => stack.model.stats.inFlight >= 3, 'three replies being composed', 30_000);
    note(`SIGKILL functions (${stack.model.stats.inFlight} replies being composed)`);
    await stack.processes.functions.kill();
    await stack.processes.functions.start();

    // 2. The socket-host dies while it is typing a reply (a send under way).
    const typing = await stack.nextTyping(30_000);
    note(`SIGKILL socket-host (${typing ? 'while typing a reply' : 'no send seen in 30 s'})`);
    await stack.processes.socketHost.kill();
    await stack.processes.socketHost.start();
    note(`socket-host back; redelivered ${await stack.redeliver()} message(s) it had not stored`);
    await firstMessages;

    // 3. PostgreSQL restarts (fast shutdown cuts every connection) while second messages are answered.
    await eventually(() => stack.model.stats.inFlight >= 2, 'replies being composed', 30_000).catch(() => undefined);
    note(`pg_ctl restart -m fast (${stack.model.stats.inFlight} replies being composed)`);
    await stack.postgres.restart();

    // 4. Redis restarts (killed, started empty) under the same load.
    await eventually(() => stack.model.stats.inFlight >= 2, 'replies being composed', 30_000).catch(() => undefined);
    note(`redis restart (${stack.model.stats.inFlight} replies being composed)`);
    await stack.redis.restart();

    // Settled: every message written has an answer, and nothing is left to retry anywhere.
    const deadline = Date.now() + SETTLE_MS;
    let settled = false;
    while (Date.now() < deadline && stack.crashes().length === 0) {
      const allAnswered = stack.written.length === 2 * CUSTOMERS && stack.written.every((m) => repliesTo(m) > 0);
      const left = await stack.unsettled().catch(() => undefined);
      if (allAnswered && left && left.outbox + left.generating + left.queued + left.sending === 0 && (await stack.queueIdle(1_000))) {
        settled = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    ended = true;
    await Promise.all(secondMessages);

    // ---- the counts ------------------------------------------------------------------------------
    const unanswered = stack.written.filter((m) => repliesTo(m) === 0).map((m) => m.text);
    const idCounts = countBy(stack.received.map((r) => r.id));
    const idsTwice = [...idCounts].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
    const textCounts = countBy(stack.received.map((r) => `${r.to} ${r.text}`));
    const textsTwice = [...textCounts].filter(([, n]) => n > 1).map(([t, n]) => `${t} ×${n}`);
    const expectedTexts = new Set(stack.written.map((m) => `${m.from}@s.whatsapp.net ${replyTo(m.text)}`));
    const unexpected = stack.received.filter((r) => !expectedTexts.has(`${r.to} ${r.text}`)).map((r) => `${r.to} ${r.text}`);
    const report = {
      faults,
      written: stack.written.length,
      received: stack.received.length,
      settled,
      lastAnswerAt: `${((Math.max(...stack.received.map((r) => r.at)) - started) / 1000).toFixed(1)}s`,
      unanswered,
      idsTwice,
      textsTwice,
      unexpected,
      crashes: stack.crashes(),
      left: await stack.unsettled().catch((err) => String(err)),
      deadLetters: await stack.deadLetters(),
      logs: stack.logDir,
    };
    process.stderr.write(`fault suite: ${JSON.stringify(report, null, 2)}\n`);

    expect(report.crashes, 'no process may die by itself').toEqual([]);
    expect(unanswered, 'customer messages never answered').toEqual([]);
    expect(textsTwice, 'reply texts sent twice (a customer message answered more than once)').toEqual([]);
    expect(idsTwice, 'WhatsApp message ids sent twice').toEqual([]);
    // A customer writes again once answered: fewer means a first message went unanswered (above).
    expect(stack.written.length, 'every customer wrote twice').toBe(2 * CUSTOMERS);
    expect(unexpected, 'messages sent that answer nothing written').toEqual([]);
    expect(report.deadLetters, 'dead-lettered queue messages').toEqual([]);
    expect(settled, 'everything settled (nothing left in the outbox, composing, queued or retrying)').toBe(true);
  }, SETTLE_MS + 120_000);
});

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
