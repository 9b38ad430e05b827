/**
 * Socket-hosts as a pool: three replicas (processes of their own, fake WhatsApp sockets) share twelve
 * numbers within a per-host cap. One is killed with SIGKILL while customers write and replies go out;
 * within the lease time the other two hold all its numbers, every customer message reaches the
 * functions and is answered, and every reply leaves once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waOutbox, waSentMessages, waSessions } from '../drizzle/schema.ts';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { freePort } from '../local/free-port.ts';
import { listen, type Listening } from '../local/listen.ts';
import { sendToSocketHost } from '../functions/outbound/socket-host-client.ts';
import type { Services } from '../functions/services.ts';
import { pollUntil } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

const NUMBERS = Array.from({ length: 12 }, (_, i) => `pool${String(i + 1).padStart(2, '0')}`);
/** Two replicas must be able to hold all twelve once the third is gone. */
const CAP = 6;
/** The lease (WA_LEASE_SECONDS in production) made short so the takeover happens within the test. */
const LEASE_MS = 3_000;

type Replica = { child: ChildProcess; url: string; sentFile: string; ask<T>(cmd: object): Promise<T> };
type Received = { sessionId: string; waMessageId: string; phone: string };

let t: TestDatabase;
let qstash: Listening;
let dir: string;
const replicas: Replica[] = [];
/** What the outbox published, by event id (the functions drop a repeated event id as well). */
const published = new Map<string, { type: string } & Received>();
/** Set before the kill: QStash refuses the victim's publishes, so its last events stay in its outbox. */
let refuseVictim = false;

beforeAll(async () => {
  t = await startTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'pool-'));
  // QStash as far as the outbox sees it: a publish is accepted and recorded.
  qstash = await listen(async (req) => {
    if (refuseVictim && req.headers.get('authorization') === 'Bearer replica-0') return new Response('unavailable', { status: 503 });
    const event = (await req.json()) as { id: string; type: string } & Received;
    published.set(event.id, event);
    return Response.json({ messageId: `msg_${event.id}` });
  });
});

afterAll(async () => {
  for (const r of replicas) r.child.kill('SIGKILL');
  await qstash?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function startReplica(index: number): Promise<Replica> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sentFile = join(dir, `sent-${index}.jsonl`);
  const env = {
    MODE: 'local',
    LOG_LEVEL: 'silent',
    DATABASE_URL: t.databaseUrl,
    DATABASE_HTTP_URL: t.httpUrl,
    QSTASH_URL: qstash.url,
    // Tells the stand-in which replica publishes.
    QSTASH_TOKEN: `replica-${index}`,
    PUBLIC_URL: 'http://127.0.0.1:9',
    WA_SESSIONS: NUMBERS.join(','),
    WA_MAX_SESSIONS_PER_HOST: String(CAP),
    SOCKET_HOST_PORT: String(port),
    SOCKET_HOST_PUBLIC_URL: url,
  };
  const child = fork(new URL('./pool-replica.process.ts', import.meta.url), {
    env: { ...process.env, POOL_ENV: JSON.stringify(env), POOL_SENT_FILE: sentFile, POOL_LEASE_MS: String(LEASE_MS) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`replica ${index} exited with ${code}`)));
    child.once('message', () => resolve());
  });
  let seq = 0;
  const ask = <T>(cmd: object) =>
    new Promise<T>((resolve, reject) => {
      const mine = ++seq;
      const onMessage = (m: { seq?: number; value: T }) => {
        if (m.seq !== mine) return;
        child.off('message', onMessage);
        resolve(m.value);
      };
      child.on('message', onMessage);
      if (!child.connected) reject(new Error('replica gone'));
      else child.send({ ...cmd, seq: mine });
    });
  return { child, url, sentFile, ask };
}

const alive = () => replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
const heldBy = async () => new Map(await Promise.all(alive().map(async (r) => [r, await r.ask<string[]>({ cmd: 'held' })] as const)));

/** The holder's address as the lease records it: what the functions route a reply by. */
async function holderUrl(sessionId: string): Promise<string | null> {
  const [row] = await t.db.select({ url: waSessions.leaseOwnerUrl }).from(waSessions).where(eq(waSessions.id, sessionId));
  return row?.url ?? null;
}

/** A customer writes: to the socket of whichever replica holds the number now (tried until one does). */
async function customerWrites(sessionId: string, id: string, from: string): Promise<void> {
  await pollUntil(async () => {
    const url = await holderUrl(sessionId);
    const replica = alive().find((r) => r.url === url);
    return replica ? await replica.ask<boolean>({ cmd: 'inject', session: sessionId, from, id, text: `hello ${id}` }).catch(() => false) : false;
  }, `a replica holding ${sessionId} to take the message ${id}`, 20_000);
}

/**
 * The functions' side: each received message answered once through the functions' own socket-host
 * client, which finds the number's holder from its lease (SOCKET_HOST_URL leads nowhere here), and
 * retried as QStash would.
 */
function startAnswering() {
  const services = {
    db: t.db,
    config: { DATABASE_URL: t.databaseUrl, SOCKET_HOST_URL: 'http://127.0.0.1:9', QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY },
  } as unknown as Services;
  const answered = new Map<string, 'accepted' | 'in flight' | 'retry'>();
  const inFlight = new Set<Promise<void>>();
  let stop = false;
  const replyId = (waMessageId: string) => `B${waMessageId}`;
  async function answer(event: Received): Promise<void> {
    const outcome = await sendToSocketHost(services, {
      v: 1,
      sessionId: event.sessionId,
      to: event.phone,
      waMessageId: replyId(event.waMessageId),
      text: `reply to ${event.waMessageId}`,
      typing: false,
    });
    // Sent, or queued at the holder (durably): done. Anything else: the queue retries.
    answered.set(event.waMessageId, outcome.ok ? 'accepted' : 'retry');
  }
  const loop = (async () => {
    while (!stop) {
      // Concurrently, as QStash delivers: one number's replies queue up at its holder.
      for (const event of published.values()) {
        if (event.type !== 'message.received') continue;
        const state = answered.get(event.waMessageId);
        if (state === 'accepted' || state === 'in flight') continue;
        answered.set(event.waMessageId, 'in flight');
        const work = answer(event).finally(() => inFlight.delete(work));
        inFlight.add(work);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(inFlight);
  })();
  return { answered, replyId, stop: async () => ((stop = true), await loop) };
}

const sentLines = (r: Replica) => {
  try {
    return readFileSync(r.sentFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { session: string; id: string; to: string });
  } catch {
    return [];
  }
};

it('three replicas share twelve numbers within the cap, and two take over a killed one’s numbers, its outbox and its pending sends', { timeout: 120_000 }, async () => {
  // The first replica fills up to its cap before the others start: it is the one killed below.
  replicas.push(await startReplica(0));
  await pollUntil(async () => (await replicas[0]!.ask<string[]>({ cmd: 'held' })).length === CAP, 'the first replica at its cap');
  for (let i = 1; i < 3; i++) replicas.push(await startReplica(i));

  // Every number is held (and connected) by exactly one replica, none above the cap.
  const held = await pollUntil(async () => {
    const map = await heldBy();
    const all = [...map.values()].flat();
    return all.length === NUMBERS.length && new Set(all).size === NUMBERS.length ? map : undefined;
  }, 'all twelve numbers held once', 30_000);
  for (const ids of held.values()) expect(ids.length).toBeLessThanOrEqual(CAP);
  for (const id of NUMBERS) expect(await holderUrl(id)).toBe([...held].find(([, ids]) => ids.includes(id))![0].url);

  const functions = startAnswering();
  const inbound: string[] = [];
  let counter = 0;
  const write = async (sessionId: string) => {
    const id = `3EB0${String(++counter).padStart(12, '0')}`;
    inbound.push(id);
    await customerWrites(sessionId, id, `55119${String(counter).padStart(8, '0')}`);
  };

  // The victim's customers write three times each, quickly, so that its replies queue up behind the
  // per-number gap; then once more while QStash refuses its publishes.
  const victim = replicas[0]!;
  const victimNumbers = held.get(victim)!;
  await Promise.all(NUMBERS.map((id) => write(id)));
  for (let round = 0; round < 3; round++) await Promise.all(victimNumbers.map((id) => write(id)));
  const queuedSends = () =>
    t.db.select().from(waSentMessages).where(and(inArray(waSentMessages.sessionId, victimNumbers), eq(waSentMessages.state, 'queued')));
  await pollUntil(async () => (await queuedSends()).length >= 3, 'replies the victim accepted and has not sent yet');
  refuseVictim = true;
  const unpublished = inbound.length;
  await Promise.all(victimNumbers.map((id) => write(id)));
  // Each of them written to the outbox (counting rows is not enough: a published row is deleted later).
  const last = inbound.slice(unpublished);
  await pollUntil(async () => {
    const rows = await t.db.select({ payload: waOutbox.payload }).from(waOutbox).where(inArray(waOutbox.sessionId, victimNumbers));
    const waiting = new Set(rows.map((r) => (JSON.parse(r.payload) as Partial<Received>).waMessageId));
    return last.every((id) => waiting.has(id));
  }, 'the last messages in the victim’s outbox');
  // Killed with accepted sends pending and events not yet published.
  expect((await queuedSends()).length).toBeGreaterThan(0);
  expect(last.some((id) => [...published.values()].some((e) => e.waMessageId === id))).toBe(false);
  const killedAt = Date.now();
  victim.child.kill('SIGKILL');
  await new Promise((resolve) => victim.child.once('exit', resolve));

  // Messages keep flowing both ways: every number, the victim's included, gets new customers' messages.
  await Promise.all(NUMBERS.map((id) => write(id)));

  // Within the lease time (plus slack) the two others hold all twelve, still within the cap.
  const after = await pollUntil(async () => {
    const map = await heldBy();
    const all = [...map.values()].flat();
    return all.length === NUMBERS.length && new Set(all).size === NUMBERS.length ? map : undefined;
  }, 'the survivors holding all twelve numbers', LEASE_MS * 3 + 10_000);
  expect(Date.now() - killedAt).toBeLessThan(LEASE_MS * 3 + 10_000);
  expect(after.has(victim)).toBe(false);
  for (const ids of after.values()) expect(ids.length).toBeLessThanOrEqual(CAP);

  // Every customer message reached the functions once (by its WhatsApp id), and each was answered.
  await pollUntil(() => inbound.every((id) => [...published.values()].some((e) => e.waMessageId === id)), 'every customer message published', 20_000);
  const sentIds = () => replicas.flatMap(sentLines).map((l) => l.id);
  await pollUntil(() => inbound.every((id) => sentIds().includes(functions.replyId(id))), 'every reply sent', 30_000);
  await functions.stop();
  const received = [...published.values()].filter((e) => e.type === 'message.received').map((e) => e.waMessageId);
  expect(received.sort()).toEqual([...inbound].sort());

  // Each reply left once. The one exception the design allows: a reply the victim handed to WhatsApp
  // in its last moment, before its row said so, is sent again by the new holder under the same
  // WhatsApp id (recipients' apps show it once).
  const victimSent = new Set(sentLines(victim).map((l) => l.id));
  const counts = new Map<string, number>();
  for (const id of sentIds()) counts.set(id, (counts.get(id) ?? 0) + 1);
  const repeated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  for (const id of repeated) expect(victimSent.has(id), `${id} sent twice, not across the takeover`).toBe(true);
  expect(repeated.length).toBeLessThanOrEqual(victimNumbers.length);
  expect(counts.size).toBe(inbound.length);

  // SIGTERM (a deploy, a scale-down) releases at once: nobody waits out the lease for its numbers.
  const [leaving] = alive();
  const leavingNumbers = after.get(leaving!)!;
  await leaving!.ask({ cmd: 'stop' });
  const rows = await t.db.select().from(waSessions);
  for (const id of leavingNumbers) expect(rows.find((r) => r.id === id)).toMatchObject({ leaseOwner: null, leaseOwnerUrl: null });
});
