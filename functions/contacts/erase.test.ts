/**
 * DELETE /v1/contacts/{id}: the contact's rows and files go, on every linked number; every other
 * customer's stay (row counts of every table before and after); a second erasure answers 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { newMediaKey, type MediaBucket } from '../media/bucket.ts';
import { startHarness, type Harness } from '../v1/test-harness.ts';

const mediaDir = mkdtempSync(join(tmpdir(), 'ia-agent-erase-'));
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ socketHost: false, env: { MEDIA_DIR: mediaDir } });
});
afterAll(async () => {
  await h?.close();
  rmSync(mediaDir, { recursive: true, force: true });
});

async function everyTableCount(db: Db): Promise<Record<string, number>> {
  const tables = (await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) as unknown as {
    rows: { table_name: string }[];
  };
  const out: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    // The API calls of the test count themselves there (one row per day and metric).
    if (table_name === 'usage_daily') continue;
    const r = (await db.execute(sql.raw(`select count(*)::int as n from "${table_name}"`))) as unknown as { rows: { n: number }[] };
    out[table_name] = Number(r.rows[0]!.n);
  }
  return out;
}

let seq = 0;
/** A customer with a conversation on each of `sessions`, two messages in each (one a stored photo), and the traces they leave. */
async function seedContact(db: Db, bucket: MediaBucket, contact: { lid: string; phone: string }, sessions: string[], subscriptionId: string, apiKeyId: string) {
  const keys: string[] = [];
  const conversationIds: string[] = [];
  for (const [i, sessionId] of sessions.entries()) {
    // On the first number WhatsApp gave the LID; on the others the chat is keyed by phone.
    const contactJid = i === 0 ? contact.lid : `${contact.phone}@s.whatsapp.net`;
    const [conv] = await db.insert(s.conversations).values({ sessionId, contactJid, phone: contact.phone, name: 'someone', summary: 'talked about prices' }).returning();
    conversationIds.push(conv!.id);
    const key = newMediaKey();
    await bucket.put(key, new TextEncoder().encode(`photo of ${contact.phone}`));
    keys.push(key);
    await db.insert(s.messages).values([
      { conversationId: conv!.id, sessionId, waMessageId: `W${++seq}`, direction: 'in', author: 'customer', text: 'hi', status: 'received' },
      {
        conversationId: conv!.id, sessionId, waMessageId: `W${++seq}`, direction: 'in', author: 'customer', text: '', type: 'image', status: 'received',
        media: { mimeType: 'image/jpeg', size: 10, stored: { key, size: 10 } } as s.StoredMedia,
      },
    ]);
    await db.insert(s.waSentMessages).values({ sessionId, waMessageId: `S${++seq}`, remoteJid: contactJid, state: 'sent', text: 'hello' });
    const payload = JSON.stringify({ type: 'message.received', conversationId: conv!.id, contact: { jid: contactJid, phone: contact.phone }, text: 'hi' });
    const id = `msg_${++seq}`;
    await db.insert(s.webhookDeliveries).values({ id, subscriptionId, event: 'message.received', payload, status: 'delivered' });
    await db.insert(s.webhookAttempts).values({ deliveryId: id, attempt: 1, statusCode: 200 });
    await db.insert(s.waOutbox).values({ sessionId, eventId: `e${++seq}`, payload });
    await db.insert(s.idempotencyKeys).values({ apiKeyId, key: `k${++seq}`, requestHash: 'h', status: 202, response: { conversationId: conv!.id, text: 'hello' } });
  }
  return { keys, conversationIds };
}

describe('DELETE /v1/contacts/{id}', () => {
  it('erases exactly that contact: its conversations on every number, messages, files, deliveries, sends; nothing else', async () => {
    const bucket = h.services.media!;
    const [sub] = await h.db.insert(s.webhookSubscriptions).values({ url: 'https://example.org/h', events: ['message.received'], secret: 'whsec_x' }).returning();
    const [key] = await h.db.select({ id: s.apiKeys.id }).from(s.apiKeys).limit(1);
    const ana = await seedContact(h.db, bucket, { lid: '11112222333344@lid', phone: '5511911112222' }, ['default', 'second'], sub!.id, key!.id);
    // Bruno's phone contains Ana's as a prefix: a match on the phone must be on the whole number.
    const bruno = await seedContact(h.db, bucket, { lid: '55556666777788@lid', phone: '55119111122229' }, ['default'], sub!.id, key!.id);
    const shown = (await (await h.call(`/v1/conversations/${ana.conversationIds[0]}`)).json()) as { contactId: string };
    expect(shown.contactId).toBe('11112222333344@lid');
    const limited = await h.createKey(['conversations:read', 'conversations:write']);
    const before = await everyTableCount(h.db);

    expect((await h.call('/v1/contacts/11112222333344@lid', { method: 'DELETE', key: limited.key })).status).toBe(403);
    expect(await everyTableCount(h.db)).toEqual(before);

    const res = await h.call('/v1/contacts/11112222333344@lid', { method: 'DELETE' });
    expect(res.status).toBe(204);

    const after = await everyTableCount(h.db);
    const drop: Record<string, number> = {
      conversations: 2, messages: 4, wa_sent_messages: 2, webhook_deliveries: 2, webhook_attempts: 2, wa_outbox: 2, idempotency_keys: 2,
    };
    expect(Object.keys(before).length).toBeGreaterThan(15);
    for (const table of Object.keys(before)) expect(before[table]! - after[table]!, table).toBe(drop[table] ?? 0);
    for (const k of ana.keys) expect(await bucket.get(k), k).toBeNull();
    for (const k of bruno.keys) expect(await bucket.get(k), k).not.toBeNull();
    for (const id of ana.conversationIds) {
      expect((await h.call(`/v1/conversations/${id}`)).status).toBe(404);
      expect((await h.call(`/v1/conversations/${id}/messages`)).status).toBe(404);
    }
    expect((await h.call(`/v1/conversations/${bruno.conversationIds[0]}/messages`)).status).toBe(200);

    const again = await h.call('/v1/contacts/11112222333344@lid', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await everyTableCount(h.db)).toEqual(after);
  });

  it('says what a contact id looks like', async () => {
    const res = await h.call('/v1/contacts/not-a-contact', { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/contactId/);
  });
});
