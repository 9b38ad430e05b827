import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { CONTACT_LIMIT_ERROR, MODEL_ERROR_PREFIX } from '../pipeline/reply-claim.ts';
import { readReplyMetrics } from './read-replies.ts';
import { startTestDb } from './test-db.ts';

let testDb: Awaited<ReturnType<typeof startTestDb>>;
let db: Db;
let conversationId: string;
beforeAll(async () => {
  testDb = await startTestDb();
  db = testDb.db;
  const [conversation] = await db.insert(conversations).values({ sessionId: 'default', contactJid: '15550100001@s.whatsapp.net' }).returning();
  conversationId = conversation!.id;
});
afterAll(() => testDb?.close());

let n = 0;
/**
 * A customer message at `at` and the agent's reply to it, as the pipeline leaves them: handed to the
 * socket-host `latencyMs` later (or not yet), composed in `composeMs`.
 */
async function replied(at: string, reply: { latencyMs?: number; composeMs?: number; status?: string; error?: string; failedPart?: boolean }) {
  n += 1;
  const asked = new Date(at);
  const [trigger] = await db
    .insert(messages)
    .values({ conversationId, sessionId: 'default', waMessageId: `in-${n}`, direction: 'in', author: 'customer', text: 'hi', status: 'received', createdAt: asked })
    .returning();
  const row = { conversationId, sessionId: 'default', direction: 'out' as const, author: 'agent' as const, replyTo: trigger!.id };
  await db.insert(messages).values({
    ...row,
    waMessageId: `out-${n}`,
    text: 'hello',
    status: reply.status ?? 'sent',
    error: reply.error,
    part: 0,
    composeMs: reply.composeMs,
    handedAt: reply.latencyMs === undefined ? null : new Date(asked.getTime() + reply.latencyMs),
    createdAt: new Date(asked.getTime() + 300),
  });
  if (reply.failedPart) await db.insert(messages).values({ ...row, waMessageId: `out-${n}-1`, text: 'more', status: 'failed', part: 1, createdAt: new Date(asked.getTime() + 300) });
}

describe('readReplyMetrics', () => {
  it('gives the period’s and today’s latency percentiles and error rate, counting each reply once', async () => {
    // Before the period: left out, however slow and failed.
    await replied('2031-02-27T10:00:00Z', { latencyMs: 100_000, composeMs: 90_000, error: `${MODEL_ERROR_PREFIX}timeout` });
    // The period's first day.
    await replied('2031-03-01T10:00:00Z', { latencyMs: 1000, composeMs: 400 });
    await replied('2031-03-01T11:00:00Z', { latencyMs: 2000, composeMs: 500, error: `${MODEL_ERROR_PREFIX}upstream overloaded` });
    // Today: a second part failed to send; one held back by the contact's limit; one being written; one not handed over yet.
    await replied('2031-03-03T08:00:00Z', { latencyMs: 3000, composeMs: 600 });
    await replied('2031-03-03T09:00:00Z', { latencyMs: 4000, composeMs: 700, failedPart: true });
    await replied('2031-03-03T09:30:00Z', { status: 'suppressed', error: CONTACT_LIMIT_ERROR, composeMs: 5 });
    await replied('2031-03-03T09:40:00Z', { status: 'generating' });
    await replied('2031-03-03T09:50:00Z', { status: 'queued', composeMs: 800 });

    const { period, today } = await readReplyMetrics(db, '2031-03-01', '2031-03-03');
    // percentile_cont interpolates: p50 of 1000…4000 is 2500; p95 is 3000 + 0.85 × 1000.
    expect(period).toEqual({
      replies: 5,
      latencyMs: { p50: 2500, p95: 3850 },
      composeMs: { p50: 600, p95: 780 },
      modelErrors: 1,
      sendFailures: 1,
      errorPercent: 40,
    });
    expect(today).toEqual({
      replies: 3,
      latencyMs: { p50: 3500, p95: 3950 },
      composeMs: { p50: 700, p95: 790 },
      modelErrors: 0,
      sendFailures: 1,
      errorPercent: 33.33,
    });
  });

  it('has no percentiles and no rate before the first reply', async () => {
    const empty = { replies: 0, latencyMs: { p50: null, p95: null }, composeMs: { p50: null, p95: null }, modelErrors: 0, sendFailures: 0, errorPercent: null };
    expect(await readReplyMetrics(db, '2040-01-01', '2040-01-07')).toEqual({ period: empty, today: empty });
  });
});
