/**
 * A session's life through its socket: linking (QR, pairing code), restarts without a new scan, and
 * each disconnect reason handled as the reconnect policy says, observed through the host's own API.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waAuthCreds, waOutbox, waSessions } from '../drizzle/schema.ts';
import { createFakeSockets } from '../test-support/fake-socket.ts';
import { FAST, pollUntil, signedFetch, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await startTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

/** A host holding one session of its own, stopped after the test. */
async function withHost(
  sessionId: string,
  run: (h: Awaited<ReturnType<typeof startTestHost>>) => Promise<void>,
  options: { autoOpen?: boolean; announceOutageAfterMs?: number } = {},
) {
  const fake = createFakeSockets({ autoOpen: options.autoOpen ?? true });
  const h = await startTestHost(t, {
    env: { WA_SESSIONS: sessionId },
    makeSocket: fake.makeSocket,
    tuning: { ...FAST, session: { ...FAST.session, announceOutageAfterMs: options.announceOutageAfterMs ?? 60_000 } },
  });
  const session = h.host.sessions.get(sessionId)!;
  try {
    await run({ ...h, fake });
  } finally {
    await h.host.stop();
  }
  return session;
}

const statusOf = (h: Awaited<ReturnType<typeof startTestHost>>, id: string) => h.host.sessions.get(id)!.status;
const outboxEvents = async (sessionId: string) =>
  (await t.db.select().from(waOutbox).where(eq(waOutbox.sessionId, sessionId)).orderBy(asc(waOutbox.seq))).map((r) =>
    JSON.parse(r.payload),
  );
const announced = async (sessionId: string) =>
  (await outboxEvents(sessionId)).filter((e) => e.type === 'session.status').map((e) => e.status);

/**
 * Every announcement made so far. The status changes in memory at once, but its announcement is
 * written later, through the session's ordered event queue; a customer message injected now queues
 * behind all of them, so once it is in the outbox, every earlier announcement is too.
 */
async function announcedSoFar(h: { fake: ReturnType<typeof createFakeSockets> }, sessionId: string) {
  const marker = h.fake.latest()!.inject({ from: '5511900000099', text: 'marker' });
  await pollUntil(
    async () => (await outboxEvents(sessionId)).some((e) => e.type === 'message.received' && e.waMessageId === marker.key.id),
    'the marker message in the outbox',
  );
  return await announced(sessionId);
}

describe('linking', () => {
  it('shows the QR (JSON and PNG, signed only), gives a pairing code, and opens once the phone links', async () => {
    await withHost(
      'link',
      async (h) => {
        await pollUntil(() => h.fake.latest(), 'a socket');
        h.fake.latest()!.showQr('2@abcdef,ghijkl');
        await pollUntil(() => statusOf(h, 'link') === 'qr', 'the qr status');

        expect((await fetch(`${h.host.url}/sessions/link/qr`)).status).toBe(401);
        const qr = await signedFetch(`${h.host.url}/sessions/link/qr`);
        expect(await qr.json()).toEqual({ qr: '2@abcdef,ghijkl', status: 'qr' });
        const png = await signedFetch(`${h.host.url}/sessions/link/qr.png`);
        expect(png.headers.get('content-type')).toBe('image/png');
        expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

        const code = await signedFetch(`${h.host.url}/sessions/link/pairing-code`, { body: { phone: '+55 11 98765-4321' } });
        expect(await code.json()).toEqual({ code: 'PLAY2024' });
        expect(h.fake.latest()!.pairingRequests).toEqual(['5511987654321']);

        h.fake.latest()!.open();
        await pollUntil(() => statusOf(h, 'link') === 'open', 'the open status');
        expect((await signedFetch(`${h.host.url}/sessions/link/qr.png`)).status).toBe(409); // ALREADY_LINKED
        const refused = await signedFetch(`${h.host.url}/sessions/link/pairing-code`, { body: { phone: '5511987654321' } });
        expect(refused.status).toBe(409);
        expect(await announcedSoFar(h, 'link')).toEqual(['qr', 'open']);
      },
      { autoOpen: false },
    );
  });

  it('keeps the link across a restart: the creds Baileys updated are read back by the next host', async () => {
    await withHost('keep', async (h) => {
      const sock = await pollUntil(() => h.fake.latest(), 'a socket');
      const creds = sock.config!.auth!.creds;
      // Baileys mutates the creds object in place, then emits the change.
      creds.me = { id: '5511987654321:7@s.whatsapp.net', name: 'Shop' };
      creds.registered = true;
      sock.emit('creds.update', { me: creds.me, registered: true });
      await pollUntil(async () => {
        const [row] = await t.db.select().from(waAuthCreds).where(eq(waAuthCreds.sessionId, 'keep'));
        return row?.creds.includes('5511987654321:7');
      }, 'the creds to be saved');
    });
    await withHost('keep', async (h) => {
      const sock = await pollUntil(() => h.fake.latest(), 'a socket');
      expect(sock.config!.auth!.creds).toMatchObject({ registered: true, me: { id: '5511987654321:7@s.whatsapp.net' } });
    });
  });
});

describe('disconnects', () => {
  it('515 and 428: a new socket with the same creds and retry counter; open again', async () => {
    await withHost('restart', async (h) => {
      await pollUntil(() => statusOf(h, 'restart') === 'open', 'open');
      h.fake.latest()!.close(515);
      await pollUntil(() => h.fake.sockets.length === 2 && statusOf(h, 'restart') === 'open', 'the restart');
      h.fake.latest()!.close(428);
      await pollUntil(() => h.fake.sockets.length === 3 && statusOf(h, 'restart') === 'open', 'the reconnect');
      const [a, b, c] = h.fake.sockets.map((s) => s.config!);
      expect(b!.auth!.creds).toBe(a!.auth!.creds);
      expect(c!.msgRetryCounterCache).toBe(a!.msgRetryCounterCache);
      // Short drops are not worth a queue message each.
      expect(await announcedSoFar(h, 'restart')).toEqual(['open']);
    });
  });

  it('announces an outage that outlasts the grace period, and the recovery', async () => {
    await withHost(
      'outage',
      async (h) => {
        await pollUntil(() => statusOf(h, 'outage') === 'open', 'open');
        h.fake.latest()!.close(428);
        await pollUntil(async () => (await announced('outage')).length === 3, 'three announcements');
        expect(await announced('outage')).toEqual(['open', 'reconnecting', 'open']);
      },
      { announceOutageAfterMs: 0 },
    );
  });

  it('401: stops, forgets the link and asks for re-pairing; /start links again', async () => {
    await withHost('gone', async (h) => {
      await pollUntil(() => statusOf(h, 'gone') === 'open', 'open');
      h.fake.latest()!.close(401);
      await pollUntil(() => statusOf(h, 'gone') === 'logged_out', 'logged_out');
      expect(h.host.sessions.get('gone')!.reason).toContain('re-pair needed');
      await pollUntil(async () => (await t.db.select().from(waAuthCreds).where(eq(waAuthCreds.sessionId, 'gone'))).length === 0, 'the creds to go');
      expect(h.fake.sockets).toHaveLength(1);
      // The row is written after the status changes in memory (the session's ordered writes): wait for it.
      await pollUntil(async () => {
        const [row] = await t.db.select().from(waSessions).where(eq(waSessions.id, 'gone'));
        return row?.status === 'logged_out';
      }, 'the logged_out status to be saved');

      const res = await signedFetch(`${h.host.url}/sessions/gone/start`, { body: {} });
      expect(res.status).toBe(200);
      await pollUntil(() => statusOf(h, 'gone') === 'open', 'open again');
      expect(h.fake.sockets).toHaveLength(2);
      expect(h.fake.latest()!.config!.auth!.creds.registered).toBe(false);
    });
  });

  it('440: stops without reconnecting (another socket owns the number)', async () => {
    await withHost('replaced', async (h) => {
      await pollUntil(() => statusOf(h, 'replaced') === 'open', 'open');
      h.fake.latest()!.close(440);
      await pollUntil(async () => (await announced('replaced')).includes('replaced'), 'the replaced event');
      expect(statusOf(h, 'replaced')).toBe('replaced');
      expect(h.fake.sockets).toHaveLength(1);
    });
  });

  it('500 again and again: a few retries, then stopped', async () => {
    await withHost(
      'bad',
      async (h) => {
        for (let i = 1; i <= 3; i += 1) {
          await pollUntil(() => h.fake.sockets.length === i, `socket ${i}`);
          h.fake.latest()!.close(500);
        }
        await pollUntil(() => statusOf(h, 'bad') === 'stopped', 'stopped');
        expect(h.host.sessions.get('bad')!.reason).toContain('bad session (500)');
        expect(h.fake.sockets).toHaveLength(3);
      },
      { autoOpen: false },
    );
  });

  it('POST /sessions/:id/logout unlinks on WhatsApp, forgets the creds and reports logged_out', async () => {
    await withHost('bye', async (h) => {
      await pollUntil(() => statusOf(h, 'bye') === 'open', 'open');
      expect((await fetch(`${h.host.url}/sessions/bye/logout`, { method: 'POST' })).status).toBe(401);
      const res = await signedFetch(`${h.host.url}/sessions/bye/logout`, { body: {} });
      expect(await res.json()).toEqual({ status: 'logged_out' });
      expect(h.fake.latest()!.state).toBe('closed');
      expect(await t.db.select().from(waAuthCreds).where(eq(waAuthCreds.sessionId, 'bye'))).toHaveLength(0);
      const health = await (await signedFetch(`${h.host.url}/health/details`)).json();
      expect(health.sessions).toEqual([{ id: 'bye', status: 'logged_out', linked: false, phone: null, reason: expect.any(String) }]);
    });
  });
});
