import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversations, messages } from '../../drizzle/schema.ts';
import { SEARCH_MESSAGES_PER_CONVERSATION } from './conversations.ts';
import { startHarness, type Harness } from './test-harness.ts';

type Conversation = { id: string; name: string | null; phone: string | null; paused: boolean; needsHuman: boolean };
type Page = { data: Conversation[]; nextCursor: string | null };

let h: Harness;
beforeAll(async () => {
  // No socket-host: the rows are written here, and a search only reads.
  h = await startHarness({ socketHost: false });
});
afterAll(() => h?.close());

const randomPhone = () => `5511${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}`;
const tag = () => Math.random().toString(36).slice(2, 10);

async function conversation(fields: { name?: string; pausedUntil?: Date; needsHumanSince?: Date; texts?: string[] } = {}) {
  const phone = randomPhone();
  const [row] = await h.db
    .insert(conversations)
    .values({ sessionId: 'default', contactJid: `${phone}@s.whatsapp.net`, phone, name: fields.name ?? null, pausedUntil: fields.pausedUntil, needsHumanSince: fields.needsHumanSince })
    .returning({ id: conversations.id });
  const base = Date.now() - 60_000;
  const texts = fields.texts ?? [];
  if (texts.length > 0) {
    await h.db.insert(messages).values(
      texts.map((text, i) => ({
        conversationId: row!.id,
        sessionId: 'default',
        waMessageId: `search-${tag()}-${i}`,
        direction: 'in' as const,
        author: 'customer' as const,
        text,
        status: 'received',
        createdAt: new Date(base + i),
      })),
    );
  }
  return { id: row!.id, phone };
}

async function ids(query: string): Promise<string[]> {
  const res = await h.call(`/v1/conversations?limit=100&${query}`);
  expect(res.status, query).toBe(200);
  return ((await res.json()) as Page).data.map((c) => c.id);
}

describe('GET /v1/conversations?q=', () => {
  it('finds a contact by name, ignoring case and accents', async () => {
    const t = tag();
    const joao = await conversation({ name: `João Müller ${t}` });
    const other = await conversation({ name: `Maria ${t}` });
    expect(await ids(`q=${encodeURIComponent(`joao ${t}`)}`)).toEqual([]);
    expect(await ids(`q=JOAO`)).toContain(joao.id);
    expect(await ids(`q=${encodeURIComponent(`muller ${t}`)}`)).toEqual([joao.id]);
    expect(await ids(`q=${t}`)).toEqual(expect.arrayContaining([joao.id, other.id]));
    expect(await ids(`q=${encodeURIComponent(`maria ${t}`)}`)).toEqual([other.id]);
  });

  it('finds a phone by its digits however they are written', async () => {
    const c = await conversation();
    const spaced = `+${c.phone.slice(0, 2)} ${c.phone.slice(2, 4)} ${c.phone.slice(4)}`;
    expect(await ids(`q=${encodeURIComponent(spaced)}`)).toEqual([c.id]);
    expect(await ids(`q=${c.phone.slice(-9)}`)).toEqual([c.id]);
    // Words with digits in them are text, not a phone: they do not match the phone's digits.
    expect(await ids(`q=${encodeURIComponent(`pedido ${c.phone.slice(-9)}`)}`)).toEqual([]);
  });

  it('finds what was written, ignoring accents; LIKE wildcards are plain characters', async () => {
    const t = tag();
    const c = await conversation({ texts: [`Qual o PREÇO da entrega ${t}?`] });
    await conversation({ texts: [`outra coisa ${t}`] });
    expect(await ids(`q=${encodeURIComponent(`preco da entrega ${t}`)}`)).toEqual([c.id]);
    expect(await ids(`q=${encodeURIComponent(`${t}?`)}`)).toEqual([c.id]);
    expect(await ids(`q=${encodeURIComponent('%_%')}`)).not.toContain(c.id);
    const percent = await conversation({ texts: [`50%_off ${t}`] });
    expect(await ids(`q=${encodeURIComponent('%_o')}`)).toEqual([percent.id]);
  });

  it(`reads only each conversation's newest ${SEARCH_MESSAGES_PER_CONVERSATION} messages`, async () => {
    const old = tag();
    const recent = tag();
    const c = await conversation({ texts: [old, ...Array.from({ length: SEARCH_MESSAGES_PER_CONVERSATION - 1 }, () => 'ok'), recent] });
    expect(await ids(`q=${recent}`)).toEqual([c.id]);
    expect(await ids(`q=${old}`)).toEqual([]);
  });

  it('a query of one character, or over 100, is refused naming q', async () => {
    for (const q of ['a', 'x'.repeat(101)]) {
      const res = await h.call(`/v1/conversations?q=${q}`);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^q:/);
    }
  });
});

describe('GET /v1/conversations filters', () => {
  it('paused=true lists conversations a person holds now; false the others; they combine with q and needsHuman', async () => {
    const t = tag();
    const held = await conversation({ name: `held ${t}`, pausedUntil: new Date(Date.now() + 3_600_000), needsHumanSince: new Date() });
    const expired = await conversation({ name: `expired ${t}`, pausedUntil: new Date(Date.now() - 60_000) });
    const free = await conversation({ name: `free ${t}` });
    const sorted = (list: string[]) => [...list].sort();
    expect(sorted(await ids(`q=${t}&paused=true`))).toEqual([held.id]);
    expect(sorted(await ids(`q=${t}&paused=false`))).toEqual(sorted([expired.id, free.id]));
    expect(await ids(`q=${t}&needsHuman=true`)).toEqual([held.id]);
    expect(await ids(`q=${t}&needsHuman=true&paused=false`)).toEqual([]);
    expect((await h.call('/v1/conversations?paused=yes')).status).toBe(400);
  });

  it('a filtered list pages with its cursor like the full one', async () => {
    const t = tag();
    const made = [];
    for (let i = 0; i < 3; i++) made.push((await conversation({ texts: [`pedido ${t} ${i}`] })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.call(`/v1/conversations?q=${t}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const page = (await res.json()) as Page;
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(made.sort());
  });
});

describe('GET /v1/conversations/{id}', () => {
  it('answers one conversation as the list shows it, and 404 for one that does not exist', async () => {
    const t = tag();
    const c = await conversation({ name: `one ${t}`, needsHumanSince: new Date() });
    const res = await h.call(`/v1/conversations/${c.id}`);
    expect(res.status).toBe(200);
    const listed = ((await (await h.call(`/v1/conversations?q=${t}`)).json()) as Page).data[0];
    expect(await res.json()).toEqual(listed);
    expect(listed).toMatchObject({ id: c.id, needsHuman: true, paused: false });
    expect((await h.call(`/v1/conversations/${crypto.randomUUID()}`)).status).toBe(404);
  });
});
