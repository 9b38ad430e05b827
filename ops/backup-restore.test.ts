/**
 * `npm run backup` / `npm run restore` on real PostgreSQL databases: a populated database (messages with
 * media references, the linked number's auth state, keys, webhooks, knowledge) restored into an empty
 * one has the same rows, table by table; a socket-host on the copy is linked without a QR; a non-empty
 * database and a damaged file are refused with nothing changed.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import { makeCacheableSignalKeyStore } from '@whiskeysockets/baileys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../drizzle/migrate.ts';
import * as s from '../drizzle/schema.ts';
import { createNeonStandIn, postgresBackend } from '../local/neon/index.ts';
import { createDb } from '../shared/db.ts';
import { usePostgresAuthState } from '../socket-host/auth-state.ts';
import { pollUntil, startTestHost } from '../socket-host/testing.ts';
import { createFakeSockets } from '../test-support/fake-socket.ts';
import { listen } from '../test-support/listen.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import { BackupFileError, type Header } from './backup-format.ts';
import { writeBackup } from './backup.ts';
import { openTarget, type Conn } from './connection.ts';
import { RestoreRefused, restoreBackup } from './restore-into.ts';
import { countRows, listTables } from './schema-info.ts';

type Pg = Awaited<ReturnType<typeof createTestDatabase>>;
const dbs: Pg[] = [];
const dir = mkdtempSync(join(tmpdir(), 'backup-test-'));
const quiet = () => undefined;

async function emptyDatabase(): Promise<Pg> {
  const pg = await createTestDatabase();
  dbs.push(pg);
  return pg;
}
/** The database as the product reaches it (Neon HTTP stand-in, drizzle), for seeding and the socket-host. */
async function neonView(url: string) {
  const neon = createNeonStandIn({ backend: postgresBackend(url) });
  const server = await listen(neon.app.fetch);
  const databaseUrl = `postgres://test:test@127.0.0.1:${server.port}/db`;
  const httpUrl = `${server.url}/sql`;
  return {
    db: createDb(databaseUrl, httpUrl),
    databaseUrl,
    httpUrl,
    async close() {
      await server.close();
      await neon.close();
    },
  };
}
async function withConn<T>(url: string, run: (c: Conn) => Promise<T>): Promise<T> {
  const conn = await openTarget({ DATABASE_URL: url }, 'test');
  try {
    return await run(conn);
  } finally {
    await conn.close();
  }
}
const counts = (url: string) => withConn(url, async (c) => Object.fromEntries(await countRows(c, await listTables(c))));

let source: Pg;
let file: string;
let header: Header;

beforeAll(async () => {
  source = await emptyDatabase();
  const view = await neonView(source.url);
  const { db } = view;
  await migrateDatabase(db);
  // The linked number: creds registered to a phone, and Signal keys of several types.
  await db.insert(s.waSessions).values({ id: 'shop', phone: '5511987654321', status: 'open' });
  const auth = await usePostgresAuthState(db, 'shop');
  auth.state.creds.me = { id: '5511987654321:3@s.whatsapp.net', lid: '123456789012345:3@lid', name: 'Shop' };
  auth.state.creds.registered = true;
  auth.state.creds.account = { details: Buffer.from([1, 2]), accountSignatureKey: Buffer.from([3]), accountSignature: Buffer.from([4]), deviceSignature: Buffer.from([5]) };
  await auth.saveCreds();
  await makeCacheableSignalKeyStore(auth.state.keys).set({
    'pre-key': { '1': { public: Buffer.from([1, 2, 3]), private: Buffer.from([4, 5, 6]) } },
    session: { '5511912345678.0': Buffer.from([7, 8, 9]) },
    'lid-mapping': { '5511912345678': '98765432109876' },
  });
  const [conv] = await db
    .insert(s.conversations)
    .values({ sessionId: 'shop', contactJid: '98765432109876@lid', phone: '5511912345678', name: 'Ana', summary: 'asked about prices' })
    .returning();
  await db.insert(s.messages).values([
    { conversationId: conv!.id, sessionId: 'shop', waMessageId: 'IN1', direction: 'in', author: 'customer', text: 'Olá, quanto custa?', status: 'received' },
    {
      conversationId: conv!.id,
      sessionId: 'shop',
      waMessageId: 'IN2',
      direction: 'in',
      author: 'customer',
      text: 'foto',
      type: 'image',
      status: 'received',
      media: { mimeType: 'image/jpeg', size: 1234, stored: { key: 'media/shop/IN2', size: 1234 } } as s.StoredMedia,
      reactions: [{ emoji: '👍', from: 'team' }],
    },
  ]);
  await db.insert(s.waSentMessages).values({ sessionId: 'shop', waMessageId: 'OUT1', remoteJid: '98765432109876@lid', state: 'sent', text: 'R$ 10' });
  await db.insert(s.waOutbox).values([{ sessionId: 'shop', eventId: 'e1', payload: '{}' }, { sessionId: 'shop', eventId: 'e2', payload: '{"x":1}' }]);
  await db.insert(s.apiKeys).values({ name: 'admin', prefix: 'iak_abc', hash: 'h1', scopes: ['keys:admin'] });
  const [sub] = await db.insert(s.webhookSubscriptions).values({ url: 'https://example.com/h', events: ['message.received'], secret: 'whsec_x' }).returning();
  await db.insert(s.webhookDeliveries).values({ id: 'd1', subscriptionId: sub!.id, event: 'message.received', payload: '{"text":"Olá"}', status: 'delivered' });
  await db.insert(s.webhookAttempts).values([{ deliveryId: 'd1', attempt: 1, statusCode: 500 }, { deliveryId: 'd1', attempt: 2, statusCode: 200 }]);
  const [doc] = await db.insert(s.knowledgeDocuments).values({ title: 'Preços', sourceType: 'text', text: 'Corte R$ 10', chunks: 1 }).returning();
  await db.insert(s.knowledgePassages).values({ documentId: doc!.id, position: 0, text: 'Corte R$ 10', searchText: 'precos corte r$ 10', embedding: [0.1, 0.333333343] });
  await db.insert(s.usageDaily).values({ day: '2026-01-01', metric: 'messages', value: 9_007_199_254_740_993 });
  await db.insert(s.agentSettings).values({ id: 'default', instructions: 'Be kind', fallbackText: 'Sorry' });
  await view.close();

  file = join(dir, 'backup.jsonl.gz');
  header = await withConn(source.url, (c) => writeBackup(c, file, quiet));
});

afterAll(async () => {
  for (const pg of dbs) await pg.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('writes every table with its count and checksum, the media left in the bucket', async () => {
    const tables = Object.fromEntries(header.tables.map((t) => [t.name, t.rows]));
    expect(tables).toEqual(await counts(source.url));
    expect(tables).toMatchObject({ wa_auth_creds: 1, wa_auth_keys: 3, messages: 2, knowledge_passages: 1, webhook_attempts: 2 });
    expect(header.migrations.count).toBeGreaterThan(0);
    expect(header.media).toMatch(/bucket/);
    // The generated search column is not copied (PostgreSQL computes it again).
    expect(gunzipSync(readFileSync(file)).toString()).not.toMatch(/"tsv"/);
  });

  it('restores into an empty database the same rows, table by table; a socket-host on it is linked without a QR', async () => {
    const target = await emptyDatabase();
    await withConn(target.url, (c) => restoreBackup(c, file, quiet));
    const again = await withConn(target.url, (c) => writeBackup(c, join(dir, 'again.gz'), quiet));
    expect(again.tables).toEqual(header.tables);
    expect(again.migrations).toEqual(header.migrations);

    const view = await neonView(target.url);
    try {
      // Search works on the restored passages (the tsvector was regenerated), and serials go on past the ids.
      const hits = await view.db.execute(`select position from knowledge_passages where tsv @@ plainto_tsquery('knowledge_pt', 'corte')`);
      expect(hits.rows).toHaveLength(1);
      const [next] = await view.db.insert(s.waOutbox).values({ sessionId: 'shop', eventId: 'e3', payload: '{}' }).returning();
      expect(next!.seq).toBe(3);

      const fake = createFakeSockets({ autoOpen: false });
      const h = await startTestHost(view, { env: { WA_SESSIONS: 'shop' }, makeSocket: fake.makeSocket });
      try {
        const sock = await pollUntil(() => fake.latest(), 'a socket');
        expect(sock.config!.auth!.creds).toMatchObject({ registered: true, me: { id: '5511987654321:3@s.whatsapp.net' } });
        const keys = await sock.config!.auth!.keys.get('lid-mapping', ['5511912345678']);
        expect(keys).toEqual({ '5511912345678': '98765432109876' });
        const health = (await (await fetch(`${h.host.url}/health`)).json()) as { sessions: { id: string; linked: boolean; status: string }[] };
        expect(health.sessions).toEqual([expect.objectContaining({ id: 'shop', linked: true })]);
        expect(health.sessions[0]!.status).not.toBe('qr');
      } finally {
        await h.host.stop();
      }
    } finally {
      await view.close();
    }
  });

  it('restores into the local PGlite data (no DATABASE_URL) the same rows, and backs it up the same', async () => {
    const local = { DATA_DIR: join(dir, 'data') };
    const restore = await openTarget(local, 'test');
    try {
      await restoreBackup(restore, file, quiet);
      const again = await writeBackup(restore, join(dir, 'from-pglite.gz'), quiet);
      expect(again.tables).toEqual(header.tables);
    } finally {
      await restore.close();
    }
  });

  it('refuses a database that is not empty, naming what it holds; nothing changed', async () => {
    const before = await counts(source.url);
    const refusal = withConn(source.url, (c) => restoreBackup(c, file, quiet));
    await expect(refusal).rejects.toThrow(RestoreRefused);
    await expect(refusal).rejects.toThrow(/^the database is not empty \(\d+ rows in \w+.*\); restore needs an empty one\.$/);
    expect(await counts(source.url)).toEqual(before);
  });

  it('refuses a truncated, a tampered and a foreign file, through the command, with a non-zero exit and nothing changed', async () => {
    const target = await emptyDatabase();
    const bytes = readFileSync(file);
    const truncated = join(dir, 'truncated.gz');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const tampered = join(dir, 'tampered.gz');
    writeFileSync(tampered, gzipSync(gunzipSync(bytes).toString().replace('Corte R$ 10', 'Corte R$ 99')));
    const foreign = join(dir, 'foreign.gz');
    writeFileSync(foreign, gzipSync('{"hello":"world"}\n'));
    const cases: [string, RegExp][] = [
      [truncated, /is cut short/],
      [tampered, /is damaged: the rows of knowledge_documents do not match their checksum/],
      [foreign, /is not a backup made by npm run backup/],
      [join(dir, 'backup.jsonl.gz.nothere'), /does not exist/],
    ];
    for (const [path, message] of cases) {
      const run = promisify(execFile)(process.execPath, ['ops/restore-cli.ts', path], { env: { ...process.env, DATABASE_URL: target.url } });
      const failure = (await run.then(
        () => undefined,
        (e: unknown) => e,
      )) as { code: number; stderr: string } | undefined;
      expect(failure?.code, path).toBe(1);
      expect(failure!.stderr).toMatch(message);
      expect(failure!.stderr).toMatch(/Nothing was changed\.\n$/);
    }
    // Not even the schema was created.
    expect(await withConn(target.url, async (c) => (await listTables(c)).length)).toBe(0);
    await expect(withConn(target.url, (c) => restoreBackup(c, tampered, quiet))).rejects.toThrow(BackupFileError);
  });
});
