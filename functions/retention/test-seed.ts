import { sql } from 'drizzle-orm';
import {
  apiKeys,
  conversations,
  idempotencyKeys,
  messages,
  waSentMessages,
  webhookAttempts,
  webhookDeliveries,
  webhookSubscriptions,
} from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { newMediaKey, type MediaBucket } from '../media/bucket.ts';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);
const hex = () => crypto.randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase();

/**
 * For the retention tests: one deployment's worth of rows on both sides of a 30-day cutoff, each
 * made here with its own ids (so a file can seed several times), and media files in the bucket.
 * Returns what a purge must delete (`expected`) and the ids and keys to check.
 */
export async function seedOldAndNew(db: Db, bucket: MediaBucket) {
  const session = 'default';
  const [quiet, busy] = await db
    .insert(conversations)
    .values([
      // Only old messages: left empty by the purge, then deleted itself.
      { sessionId: session, contactJid: `${hex()}@lid`, createdAt: ago(60), lastMessageAt: ago(40) },
      // Old and new messages: keeps the new ones and itself.
      { sessionId: session, contactJid: `${hex()}@lid`, createdAt: ago(60), lastMessageAt: ago(1) },
    ])
    .returning();
  // A new customer who has not written yet, and an old one paused into the future: both stay.
  const [fresh, paused] = await db
    .insert(conversations)
    .values([
      { sessionId: session, contactJid: `${hex()}@lid`, createdAt: ago(0), lastMessageAt: ago(0) },
      { sessionId: session, contactJid: `${hex()}@lid`, createdAt: ago(90), lastMessageAt: ago(90), pausedUntil: new Date(Date.now() + DAY) },
    ])
    .returning();

  const file = async () => {
    const key = newMediaKey();
    await bucket.put(key, new TextEncoder().encode(`photo ${key}`));
    return key;
  };
  const oldKeys = [await file(), await file()];
  const goneKey = newMediaKey(); // recorded, but its file is already gone from the bucket
  const newKey = await file();
  const image = (key: string) => ({ mimeType: 'image/jpeg', size: null, stored: { key, size: 100 } }) as never;
  const message = (conversationId: string, days: number, extra: Partial<typeof messages.$inferInsert> = {}) => ({
    conversationId,
    sessionId: session,
    waMessageId: hex(),
    direction: 'in' as const,
    author: 'customer' as const,
    text: `written ${days} days ago`,
    status: 'received',
    createdAt: ago(days),
    ...extra,
  });
  const rows = await db
    .insert(messages)
    .values([
      message(quiet!.id, 45),
      message(quiet!.id, 40, { type: 'image', media: image(oldKeys[0]!) }),
      message(busy!.id, 35, { type: 'image', media: image(oldKeys[1]!) }),
      message(busy!.id, 31, { type: 'image', media: image(goneKey) }),
      message(busy!.id, 31, { direction: 'out', author: 'agent', text: 'an old reply', status: 'sent' }),
      message(busy!.id, 29),
      message(busy!.id, 1, { type: 'image', media: image(newKey) }),
    ])
    .returning({ id: messages.id, createdAt: messages.createdAt });
  const oldMessageIds = rows.filter((r) => r.createdAt < ago(30)).map((r) => r.id);
  const newMessageIds = rows.filter((r) => r.createdAt >= ago(30)).map((r) => r.id);

  const [subscription] = await db
    .insert(webhookSubscriptions)
    .values({ url: 'https://example.org/hook', events: ['message.received'], secret: 'whsec_test' })
    .returning();
  const delivery = (days: number, status: string) => ({
    id: `msg_${hex()}`,
    subscriptionId: subscription!.id,
    event: 'message.received',
    payload: '{"text":"what the customer wrote"}',
    status,
    createdAt: ago(days),
  });
  const deliveries = await db
    .insert(webhookDeliveries)
    .values([delivery(40, 'delivered'), delivery(35, 'failed'), delivery(40, 'pending'), delivery(2, 'delivered')])
    .returning({ id: webhookDeliveries.id });
  await db.insert(webhookAttempts).values([
    { deliveryId: deliveries[0]!.id, attempt: 1, statusCode: 200, createdAt: ago(40) },
    { deliveryId: deliveries[1]!.id, attempt: 1, statusCode: 503, createdAt: ago(35) },
    { deliveryId: deliveries[1]!.id, attempt: 2, statusCode: 503, createdAt: ago(35) },
    { deliveryId: deliveries[3]!.id, attempt: 1, statusCode: 200, createdAt: ago(2) },
  ]);

  const sent = (days: number, state: string) => ({ sessionId: session, waMessageId: hex(), remoteJid: '15550001111@s.whatsapp.net', state, text: 'a reply', createdAt: ago(days) });
  await db.insert(waSentMessages).values([sent(40, 'sent'), sent(40, 'failed'), sent(40, 'queued'), sent(3, 'sent')]);

  const [key] = await db.select({ id: apiKeys.id }).from(apiKeys).limit(1);
  await db.insert(idempotencyKeys).values([
    { apiKeyId: key!.id, key: hex(), requestHash: 'h', status: 202, response: { text: 'sent' }, createdAt: ago(40) },
    { apiKeyId: key!.id, key: hex(), requestHash: 'h', status: 202, response: { text: 'sent' }, createdAt: ago(0) },
  ]);

  return {
    expected: { messages: 5, mediaFiles: 3, conversations: 1, webhookDeliveries: 2, webhookAttempts: 3, sentMessages: 2, idempotencyKeys: 1 },
    oldMessageIds,
    newMessageIds,
    oldKeys,
    newKey,
    conversationIds: { quiet: quiet!.id, busy: busy!.id, fresh: fresh!.id, paused: paused!.id },
  };
}

/** Row counts of the tables a purge touches, and of those it must never touch. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = [
    'messages', 'conversations', 'webhook_deliveries', 'webhook_attempts', 'wa_sent_messages', 'idempotency_keys',
    'webhook_subscriptions', 'api_keys', 'agent_settings', 'usage_daily', 'wa_sessions', 'wa_auth_creds', 'wa_auth_keys', 'wa_outbox',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const result = (await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] };
    out[table] = Number(result.rows[0]!.n);
  }
  return out;
}
