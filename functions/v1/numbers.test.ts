import { count, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSettings, conversations, waAuthCreds, waAuthKeys, waSessions } from '../../drizzle/schema.ts';
import { listen } from '../../local/listen.ts';
import { createFakeSockets, type FakeSocket } from '../../test-support/fake-socket.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../../test-support/pipeline-stack.ts';

// Numbers as data: added and removed through /v1 while everything runs, WA_SESSIONS (`default`) the seed.
const fake = createFakeSockets();
let t: PipelineStack;
beforeAll(async () => {
  t = await startPipelineStack({
    makeSocket: fake.makeSocket,
    // The model says which profile it was given, so the test can tell the number's own from the default.
    reply: (req) => (JSON.stringify(req.messages[0]?.content).includes('Sales desk') ? 'Sales here, how can I help?' : 'Default agent here.'),
  });
  await eventually(async () => (await listed()).find((s) => s.id === 'default' && s.status === 'open'), 'the seed number open');
});
afterAll(() => t?.stop());

type Listed = { id: string; status: string; name: string | null; addedAt: string | null };
const listed = async (): Promise<Listed[]> => (await (await t.api('/v1/sessions')).json()).data;
const healthSessions = async (): Promise<{ id: string; status: string; linked: boolean }[]> =>
  (await (await fetch(`${t.stack.urls.functions}/api/health`)).json()).whatsapp;
const add = (body: unknown) => t.api('/v1/sessions', { method: 'POST', body: JSON.stringify(body) });
const remove = (id: string) => t.api(`/v1/sessions/${id}`, { method: 'DELETE' });
const authRows = async (id: string) => {
  const [creds] = await t.db.select({ n: count() }).from(waAuthCreds).where(eq(waAuthCreds.sessionId, id));
  const [keys] = await t.db.select({ n: count() }).from(waAuthKeys).where(eq(waAuthKeys.sessionId, id));
  return { creds: creds!.n, keys: keys!.n };
};
async function errorOf(res: Response) {
  const body = await res.json();
  return { status: res.status, code: body.error?.code as string, message: body.error?.message as string, fields: (body.error?.details ?? []).map((d: { field: string }) => d.field) };
}

let sales: FakeSocket;

describe('a number added through the API', () => {
  it('is linked without restarting anything, answers a customer with its own profile, and shows in /v1/sessions and /api/health', async () => {
    const host = t.stack.socketHost;
    const seedSocket = fake.latest()!;
    const before = fake.sockets.length;

    const res = await add({ id: 'sales', name: 'Sales', agent: { instructions: 'You are the Sales desk of a bakery.' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ id: 'sales', name: 'Sales', addedAt: expect.any(String) });

    sales = await eventually(() => fake.sockets[before], 'a socket for the new number');
    await eventually(async () => (await listed()).find((s) => s.id === 'sales' && s.status === 'open'), 'the new number open');
    // Nothing restarted: the same socket-host, the seed's socket untouched and still open.
    expect(t.stack.socketHost).toBe(host);
    expect(fake.sockets.length).toBe(before + 1);
    expect(seedSocket.state).toBe('open');

    expect(await listed()).toEqual([
      expect.objectContaining({ id: 'default', status: 'open', name: null, addedAt: null }),
      expect.objectContaining({ id: 'sales', status: 'open', name: 'Sales' }),
    ]);
    expect(await healthSessions()).toContainEqual({ id: 'sales', status: 'open', linked: true });

    sales.inject({ from: '4915100000001', text: 'Do you have rye bread?' });
    const reply = await eventually(
      () => sales.callsOf('sendMessage').find(([jid]) => jid === '4915100000001@s.whatsapp.net'),
      'the reply through the new number',
    );
    expect(reply[1]).toEqual({ text: 'Sales here, how can I help?' });
    expect(seedSocket.callsOf('sendMessage')).toEqual([]);
    const [conversation] = await t.db.select().from(conversations).where(eq(conversations.contactJid, '4915100000001@s.whatsapp.net'));
    expect(conversation?.sessionId).toBe('sales');
  });

  it('refuses a taken id (an added number or a WA_SESSIONS seed) with 409, and bad input with 400 naming the field', async () => {
    for (const id of ['sales', 'default']) {
      expect(await errorOf(await add({ id }))).toMatchObject({ status: 409, code: 'CONFLICT', fields: ['id'] });
    }
    const bad: [unknown, string][] = [
      [{ id: 'has space' }, 'id'],
      [{ id: 'x'.repeat(65) }, 'id'],
      [{}, 'id'],
      [{ id: 'fresh', name: '' }, 'name'],
      [{ id: 'fresh', agent: { temperature: 9 } }, 'agent.temperature'],
      [{ id: 'fresh', agent: { tools: [{ name: 'stock', description: 'Looks up stock', url: 'ftp://example.org/x', parameters: { type: 'object', properties: {} } }] } }, 'agent.tools.0.url'],
    ];
    for (const [body, field] of bad) {
      const error = await errorOf(await add(body));
      expect(error, JSON.stringify(body)).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      expect(error.fields, JSON.stringify(body)).toContain(field);
    }
    // Refused means not half-added: no row, no profile, nothing held.
    expect(await t.db.select().from(waSessions).where(eq(waSessions.id, 'fresh'))).toEqual([]);
    expect(await t.db.select().from(agentSettings).where(eq(agentSettings.id, 'session:fresh'))).toEqual([]);
    expect((await listed()).map((s) => s.id)).toEqual(['default', 'sales']);

    expect(await errorOf(await remove('nobody'))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await errorOf(await remove('has!bang'))).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', fields: ['id'] });
    expect(await errorOf(await remove('default'))).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect((await listed()).find((s) => s.id === 'default')?.status).toBe('open');
  });

  it('when removed, is logged out with its socket closed, and its auth state, row and own profile are gone', async () => {
    // What linking leaves behind, written as Baileys writes it: a key through the socket's key store, the creds on creds.update.
    await sales.config!.auth.keys.set({ 'pre-key': { '1': { public: new Uint8Array(32).fill(1), private: new Uint8Array(32).fill(2) } } });
    sales.emit('creds.update', {});
    await eventually(async () => {
      const rows = await authRows('sales');
      return rows.creds === 1 && rows.keys >= 1;
    }, 'the auth state stored');

    expect((await remove('sales')).status).toBe(204);

    expect(sales.state).toBe('closed');
    expect(t.stack.socketHost!.sessions.has('sales')).toBe(false);
    expect(await authRows('sales')).toEqual({ creds: 0, keys: 0 });
    expect(await t.db.select().from(waSessions).where(eq(waSessions.id, 'sales'))).toEqual([]);
    expect(await t.db.select().from(agentSettings).where(eq(agentSettings.id, 'session:sales'))).toEqual([]);
    expect((await listed()).map((s) => s.id)).toEqual(['default']);
    expect((await healthSessions()).map((s) => s.id)).toEqual(['default']);
    expect(await errorOf(await remove('sales'))).toMatchObject({ status: 404 });
  });

  it('is held again after the socket-host restarts (it starts from the table), and the seed still is; a socket-host that fails the command leaves nothing half-added or half-removed', async () => {
    expect((await add({ id: 'support', name: 'Support' })).status).toBe(201);
    await eventually(async () => (await listed()).find((s) => s.id === 'support' && s.status === 'open'), 'support open');

    await t.stack.stopSocketHost();
    // Meanwhile a socket-host that lists its numbers but fails every command: nothing is half-done.
    const failing = await listen(
      new Hono()
        .get('/sessions', (c) => c.json({ data: [] }))
        .all('*', (c) => c.json({ error: { code: 'INTERNAL', message: 'broken', requestId: 'r1' } }, 500)).fetch,
      new URL(t.stack.urls.socketHost).port as unknown as number,
    );
    try {
      const refused = await errorOf(await add({ id: 'later', name: 'Later', agent: { instructions: 'You are Later.' } }));
      expect(refused).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
      expect(await t.db.select().from(waSessions).where(eq(waSessions.id, 'later'))).toEqual([]);
      expect(await t.db.select().from(agentSettings).where(eq(agentSettings.id, 'session:later'))).toEqual([]);
      // A removal the socket-host cannot carry out erases nothing: its socket could still write the link back.
      expect(await errorOf(await remove('support'))).toMatchObject({ status: 503 });
      expect(await t.db.select({ id: waSessions.id }).from(waSessions).where(eq(waSessions.id, 'support'))).toEqual([{ id: 'support' }]);
    } finally {
      await failing.close();
    }
    await t.stack.startSocketHost();

    await eventually(async () => {
      const now = await listed();
      return now.length === 2 && now.every((s) => s.status === 'open') ? now : undefined;
    }, 'both numbers open after the restart');
    expect((await listed()).map(({ id, name }) => ({ id, name }))).toEqual([
      { id: 'default', name: null },
      { id: 'support', name: 'Support' },
    ]);
    expect(await t.db.select({ id: waSessions.id }).from(waSessions).where(eq(waSessions.id, 'sales'))).toEqual([]);
  });
});
