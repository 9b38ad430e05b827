/**
 * Twenty customers write at once to one number whose throttle is slow: the sends leave one at a time,
 * but no HTTP call waits for them. Every /send is watched on the wire by a pass-through proxy between
 * the functions and the socket-host (the socket-host does not compare the signed URL, as behind any
 * proxy).
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSentMessages } from '../../drizzle/schema.ts';
import { freePort } from '../../local/free-port.ts';
import { type Listening } from '../../local/listen.ts';
import { listen } from '../../test-support/listen.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

type SendCall = { waMessageId: string; status: number; ms: number };

/** Forwards every request to `target` unchanged and records each /send with its answer and duration. */
async function recordingProxy(target: string): Promise<Listening & { sends: SendCall[] }> {
  const sends: SendCall[] = [];
  const proxy = await listen(async (req) => {
    const url = new URL(req.url);
    const body = req.method === 'GET' ? undefined : await req.text();
    const started = performance.now();
    const res = await fetch(`${target}${url.pathname}${url.search}`, { method: req.method, headers: req.headers, body });
    const text = await res.text();
    if (url.pathname === '/send') {
      sends.push({ waMessageId: (JSON.parse(body!) as { waMessageId: string }).waMessageId, status: res.status, ms: performance.now() - started });
    }
    return new Response(text, { status: res.status, headers: res.headers });
  });
  return Object.assign(proxy, { sends });
}

const CUSTOMERS = 20;
// Slow enough that the old design held the last /send open for ~8 s (20 × 400 ms).
const GAP_MS = 400;
const ANSWER_WITHIN_MS = 1_000;

let t: PipelineStack;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
beforeAll(async () => {
  const hostPort = await freePort();
  proxy = await recordingProxy(`http://127.0.0.1:${hostPort}`);
  t = await startPipelineStack({
    reply: (req) => `Re: ${req.messages.at(-1)!.content}`,
    ports: { socketHost: hostPort },
    env: { SOCKET_HOST_URL: proxy.url },
    socketHostTuning: {
      session: { leaseTtlMs: 3_000, leaseRenewMs: 200, reconnect: { baseDelayMs: 10, maxDelayMs: 50, maxBadSessionAttempts: 2 } },
      outbox: { retryDelayMs: 50, maxRetryDelayMs: 200 },
      throttle: { minGapMs: GAP_MS, typingMsPerChar: 0.01, maxTypingMs: 5 },
      send: { answerWithinMs: ANSWER_WITHIN_MS },
    },
  });
  await eventually(() => t.fake.latest()?.state === 'open', 'the socket to open');
  // The session announces "open" through its outbox a moment after the socket opened: let that one
  // queue message pass before the test counts the burst's own.
  await eventually(() => t.stack.standIns.qstash.stats.published >= 1, 'the session’s "open" announcement');
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await proxy?.close();
});

describe('a burst of customers on one number', () => {
  it('answers every /send at once, sends every reply once in the order accepted, and needs no queue retries', async () => {
    await t.idle();
    const before = { ...t.stack.standIns.qstash.stats };
    const phones = Array.from({ length: CUSTOMERS }, (_, i) => `1555070${String(i).padStart(4, '0')}`);
    for (const phone of phones) t.customerWrites(phone, `Hello from ${phone}`);

    await eventually(() => phones.every((p) => t.sentTo(p).length >= 1), 'a reply to every customer', 60_000);
    await eventually(
      async () => (await Promise.all(phones.map((p) => t.rows(p)))).every((rows) => rows.some((r) => r.direction === 'out' && r.status === 'sent')),
      'every reply recorded as sent by the functions',
      30_000,
    );
    await t.idle();

    // Exactly one reply each, none twice.
    for (const phone of phones) {
      expect(t.sentTo(phone).map((s) => s.text), phone).toEqual([`Re: Hello from ${phone}`]);
    }
    const jids = new Set(phones.map((p) => `${p}@s.whatsapp.net`));
    const sent = t.fake.sent().filter((s) => jids.has(s.to));
    expect(new Set(sent.map((s) => s.id)).size).toBe(CUSTOMERS);
    // The throttle really spaced them: the burst took at least (N − 1) gaps to leave.
    expect(Date.parse(sent.at(-1)!.at) - Date.parse(sent[0]!.at)).toBeGreaterThanOrEqual((CUSTOMERS - 1) * GAP_MS - 50);

    // Every /send was asked once (no retry through /hooks/deliver) and answered within its bound,
    // not after the sends queued before it.
    expect(proxy.sends.map((s) => s.waMessageId).sort()).toEqual(sent.map((s) => s.id).sort());
    expect(proxy.sends.every((s) => s.status === 200 || s.status === 202)).toBe(true);
    expect(Math.max(...proxy.sends.map((s) => s.ms))).toBeLessThan(ANSWER_WITHIN_MS + 2_000);
    const late = proxy.sends.filter((s) => s.status === 202).length;
    expect(late).toBeGreaterThan(0);

    // Sent in the order the socket-host accepted them.
    const accepted = await t.db
      .select({ id: waSentMessages.waMessageId })
      .from(waSentMessages)
      .where(and(eq(waSentMessages.sessionId, 'default'), eq(waSentMessages.state, 'sent')))
      .orderBy(asc(waSentMessages.seq));
    expect(sent.map((s) => s.id)).toEqual(accepted.map((r) => r.id).filter((id) => sent.some((s) => s.id === id)));

    // Queue cost: one message per customer, plus one status event per send that finished after its /send answered.
    const stats = t.stack.standIns.qstash.stats;
    expect(stats.failedDeliveries - before.failedDeliveries).toBe(0);
    expect(stats.published - before.published).toBe(CUSTOMERS + late);
  }, 90_000);
});
