import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../drizzle/schema.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';
import type { Usage } from './read-usage.ts';
import type { ReplyMetrics } from './read-replies.ts';

type UsageWithReplies = Usage & { replies: { period: ReplyMetrics; today: ReplyMetrics } };

const FALLBACK = 'We will get back to you soon.';
const MODEL_DELAY_MS = 150;
const BURST_WINDOW_MS = 300;

let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    reply: () => 'We open at 9.',
    modelDelayMs: () => MODEL_DELAY_MS,
    settings: { fallbackText: FALLBACK, burstWindowMs: BURST_WINDOW_MS },
    env: { PRICE_CURRENCY: 'EUR', PRICE_MODEL_INPUT_PER_MTOK: '2', PRICE_MODEL_OUTPUT_PER_MTOK: '8' },
  });
});
afterAll(() => t?.stop());

async function usage(): Promise<UsageWithReplies> {
  const { functions } = t.stack;
  await functions.services.usage.flushNow(functions.services.db);
  const res = await t.api('/v1/usage?days=2');
  expect(res.status).toBe(200);
  return (await res.json()) as UsageWithReplies;
}

describe('GET /v1/usage: the agent’s replies, produced on the real stack', () => {
  it('measures each reply’s latency and composition, and prices the model’s tokens', async () => {
    for (const phone of ['15550119001', '15550119002']) {
      t.customerWrites(phone, 'When do you open?');
      await eventually(() => t.sentTo(phone).length >= 1, `the reply to ${phone}`);
    }
    await t.idle();

    // Written on the reply rows by updates the pipeline makes anyway.
    const timed = await t.db
      .select({ composeMs: messages.composeMs, handedAt: messages.handedAt })
      .from(messages)
      .where(and(eq(messages.author, 'agent'), isNotNull(messages.handedAt), isNotNull(messages.composeMs)));
    expect(timed).toHaveLength(2);

    const { replies, cost, today } = await usage();
    expect(replies.period.replies).toBe(2);
    expect(replies.period).toMatchObject({ modelErrors: 0, sendFailures: 0, errorPercent: 0 });
    const { latencyMs, composeMs } = replies.period;
    // Not how fast, only what each span holds by construction: the fake model's delay is within the
    // composition, which is within the wait after the burst window.
    expect(composeMs.p50).toBeGreaterThanOrEqual(MODEL_DELAY_MS);
    expect(latencyMs.p50).toBeGreaterThanOrEqual(BURST_WINDOW_MS + composeMs.p50!);
    expect(latencyMs.p95).toBeGreaterThanOrEqual(latencyMs.p50!);

    expect(cost.currency).toBe('EUR');
    const tokens = { input: today.metrics['model.input_tokens'] ?? 0, output: today.metrics['model.output_tokens'] ?? 0 };
    expect(tokens.input).toBe(2 * 42); // what the fake model reports per call
    expect(cost.today.parts.model).toBeCloseTo((tokens.input * 2 + tokens.output * 8) / 1e6, 8);
    expect(cost.today.perMessage).toBeCloseTo(cost.today.total / 2, 8);
    expect(cost.month.total).toBeGreaterThanOrEqual(cost.today.total);
  });

  it('counts a reply the model failed as an error', async () => {
    t.model.failNextCalls(1000);
    try {
      t.customerWrites('15550119003', 'Are you open on Sunday?');
      await eventually(() => t.sentTo('15550119003').some((m) => m.text === FALLBACK), 'the fallback');
      await t.idle();
    } finally {
      t.model.failNextCalls(0);
    }
    const { replies } = await usage();
    expect(replies.period).toMatchObject({ replies: 3, modelErrors: 1, sendFailures: 0, errorPercent: 33.33 });
    // The fallback reached the socket-host too: its latency counts.
    expect(replies.period.latencyMs.p50).not.toBeNull();
  });
});
