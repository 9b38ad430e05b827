/**
 * The local playground: a `playground` session backed by the in-process socket, fed through the
 * signed /playground routes; its messages take the same path as a real number's.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waOutbox } from '../drizzle/schema.ts';
import { waEvent } from '../shared/contracts/wa-event.ts';
import { pollUntil, signedFetch, startTestHost } from './testing.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

let t: TestDatabase;
let h: Awaited<ReturnType<typeof startTestHost>>;

beforeAll(async () => {
  t = await startTestDatabase();
  h = await startTestHost(t, { playground: true });
  await pollUntil(() => h.host.sessions.get('playground')?.status === 'open', 'the playground session to open');
});
afterAll(async () => {
  await h?.host.stop();
  await t?.close();
});

describe('the playground session', () => {
  it('sits beside the configured numbers, on its own socket', () => {
    expect([...h.host.sessions.keys()].sort()).toEqual(['main', 'playground']);
    expect(h.host.playground?.sockets).toHaveLength(1);
    expect(h.fake.sockets).toHaveLength(1);
  });

  it('turns a signed inject into a message.received event, and refuses an unsigned one', async () => {
    expect((await fetch(`${h.host.url}/playground/inject`, { method: 'POST', body: '{}' })).status).toBe(401);
    const res = await signedFetch(`${h.host.url}/playground/inject`, { body: { from: '5511900001111', text: 'oi', id: 'PLAY0000000001' } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ id: 'PLAY0000000001', sessionId: 'playground' });
    const event = await pollUntil(async () => {
      const rows = await t.db.select().from(waOutbox).where(eq(waOutbox.eventId, 'playground:PLAY0000000001')).orderBy(asc(waOutbox.seq));
      return rows[0] && waEvent.parse(JSON.parse(rows[0].payload));
    }, 'the playground event');
    expect(event).toMatchObject({ type: 'message.received', sessionId: 'playground', phone: '5511900001111', text: 'oi' });
  });

  it('lists what /send sent to a customer, by phone', async () => {
    const send = await signedFetch(`${h.host.url}/send`, {
      body: { v: 1, sessionId: 'playground', to: '5511900001111', waMessageId: '3EB0AAAA00000000BEEF', text: 'Olá!', typing: false },
    });
    expect(send.status).toBe(200);
    const res = await signedFetch(`${h.host.url}/playground/sent?to=5511900001111`);
    const { messages } = await res.json();
    expect(messages).toEqual([{ id: '3EB0AAAA00000000BEEF', to: '5511900001111@s.whatsapp.net', text: 'Olá!', at: expect.any(String) }]);
    expect((await (await signedFetch(`${h.host.url}/playground/sent?to=5599999999`)).json()).messages).toEqual([]);
  });
});
