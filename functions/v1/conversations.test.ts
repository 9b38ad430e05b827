import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from './test-harness.ts';

type Message = { id: string; direction: string; author: string; text: string; status: string; createdAt: string };
type Conversation = { id: string; phone: string | null; paused: boolean; pausedUntil: string | null };
type Page<T> = { data: T[]; nextCursor: string | null };

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const randomPhone = () => `4915${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;
const until = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });
const get = async <T>(path: string) => {
  const res = await h.call(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

async function sendAll(phone: string, texts: string[]): Promise<string> {
  let conversationId = '';
  for (const text of texts) {
    const res = await h.call('/v1/messages', { method: 'POST', json: { to: phone, text } });
    expect(res.status).toBe(202);
    conversationId = ((await res.json()) as { conversationId: string }).conversationId;
  }
  return conversationId;
}

/** Follows nextCursor to the end. */
async function allPages<T>(path: string, limit: number): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await get<Page<T>>(`${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    pages.push(page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

describe('GET /v1/conversations/{id}/messages', () => {
  it('pages newest first with an opaque cursor, each message once', async () => {
    const phone = randomPhone();
    const id = await sendAll(phone, ['m1', 'm2', 'm3', 'm4', 'm5']);
    const pages = await allPages<Message>(`/v1/conversations/${id}/messages`, 2);
    expect(pages.map((p) => p.map((m) => m.text))).toEqual([['m5', 'm4'], ['m3', 'm2'], ['m1']]);
    for (const m of pages.flat()) {
      expect(Object.keys(m).sort()).toEqual([
        'author', 'contacts', 'conversationId', 'createdAt', 'deleted', 'direction', 'edited', 'id', 'location', 'media', 'reactions', 'status', 'text', 'transcript', 'type',
      ]);
      expect(m).toMatchObject({ direction: 'out', author: 'api', type: 'text', media: null, transcript: null, deleted: false, edited: false, reactions: [] });
      expect(new Date(m.createdAt).toISOString()).toBe(m.createdAt);
    }
    expect((await get<Page<Message>>(`/v1/conversations/${id}/messages`)).data).toHaveLength(5);
  });

  it('shows what the customer wrote and what the agent answered', async () => {
    const phone = randomPhone();
    await until(() => expect(h.fake?.latest()?.state).toBe('open'));
    h.fake!.latest()!.inject({ from: phone, text: 'hello there' });
    const conversation = await until(async () => {
      const found = (await get<Page<Conversation>>('/v1/conversations?limit=100')).data.find((c) => c.phone === phone);
      expect(found).toBeDefined();
      return found!;
    });
    const messages = await until(async () => {
      const page = await get<Page<Message>>(`/v1/conversations/${conversation.id}/messages`);
      expect(page.data.map((m) => m.author)).toEqual(['agent', 'customer']);
      return page.data;
    });
    expect(messages[1]).toMatchObject({ direction: 'in', text: 'hello there', status: 'received' });
    expect(messages[0]).toMatchObject({ direction: 'out' });
  });

  it('404 for a conversation that does not exist; 400 for a cursor it never gave', async () => {
    const missing = await h.call(`/v1/conversations/${crypto.randomUUID()}/messages`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const forged = await h.call(`/v1/conversations?cursor=${btoa('["1","2"]')}`);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { error: { message: string } }).error.message).toMatch(/^cursor:/);
  });
});

describe('GET /v1/conversations', () => {
  it('pages over every conversation, the most recently active first', async () => {
    const phones = [randomPhone(), randomPhone(), randomPhone()];
    for (const phone of phones) await sendAll(phone, ['hi']);
    const all = (await allPages<Conversation>('/v1/conversations', 1)).flat();
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    const mine = all.filter((c) => phones.includes(c.phone!)).map((c) => c.phone);
    expect(mine).toEqual([...phones].reverse());
    // A new message moves a conversation to the front.
    await sendAll(phones[0]!, ['again']);
    expect((await get<Page<Conversation>>('/v1/conversations?limit=1')).data[0]!.phone).toBe(phones[0]);
  });
});

describe('pause and resume', () => {
  it('pause defaults to the agent’s humanPauseMinutes, takes minutes, and resume lifts it', async () => {
    expect((await h.call('/v1/agent', { method: 'PUT', json: { humanPauseMinutes: 45 } })).status).toBe(200);
    const id = await sendAll(randomPhone(), ['hi']);

    const before = Date.now();
    const paused = await h.call(`/v1/conversations/${id}/pause`, { method: 'POST' });
    expect(paused.status).toBe(200);
    const body = (await paused.json()) as Conversation;
    expect(body.paused).toBe(true);
    const until45 = new Date(body.pausedUntil!).getTime();
    expect(until45).toBeGreaterThanOrEqual(before + 45 * 60_000);
    expect(until45).toBeLessThanOrEqual(Date.now() + 45 * 60_000);

    const five = (await (await h.call(`/v1/conversations/${id}/pause`, { method: 'POST', json: { minutes: 5 } })).json()) as Conversation;
    expect(new Date(five.pausedUntil!).getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);

    const resumed = (await (await h.call(`/v1/conversations/${id}/resume`, { method: 'POST' })).json()) as Conversation;
    expect(resumed).toMatchObject({ id, paused: false, pausedUntil: null });
    for (const action of ['pause', 'resume']) {
      expect((await h.call(`/v1/conversations/${crypto.randomUUID()}/${action}`, { method: 'POST' })).status).toBe(404);
    }
  });

  it('while paused the agent stays silent', async () => {
    const phone = randomPhone();
    const id = await sendAll(phone, ['we will call you']);
    expect((await h.call(`/v1/conversations/${id}/pause`, { method: 'POST', json: {} })).status).toBe(200);
    await until(() => expect(h.fake?.latest()?.state).toBe('open'));
    h.fake!.latest()!.inject({ from: phone, text: 'ok, waiting' });
    await until(async () => {
      const page = await get<Page<Message>>(`/v1/conversations/${id}/messages`);
      expect(page.data[0]).toMatchObject({ author: 'customer', text: 'ok, waiting' });
    });
    await h.qstash.idle();
    const authors = (await get<Page<Message>>(`/v1/conversations/${id}/messages`)).data.map((m) => m.author);
    expect(authors).toEqual(['customer', 'api']);
  });
});
