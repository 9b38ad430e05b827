/**
 * The restore drill that CI runs on every push, through the commands a person (and backup.yml) runs:
 * a populated database → `npm run backup -- --out F --encrypt` → `npm run restore -- F --verify` into an
 * empty one, which decrypts, restores and holds every table to the file's counts and checksums. Also:
 * a wrong key, a changed or cut-short file and a weak key are each refused with their sentence, and
 * --verify does fail when the restored rows differ from the backup's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test-support/postgres.ts';
import { BackupKeyError, decryptFile, encryptFile, isEncrypted } from './backup-crypto.ts';
import { BackupFileError, readLines, verifyBackup } from './backup-format.ts';
import { openTarget } from './connection.ts';
import { restoreBackup } from './restore-into.ts';
import { VerifyFailed, verifyRestored } from './restore-verify.ts';
import { countRows, listTables } from './schema-info.ts';

type Pg = Awaited<ReturnType<typeof createTestDatabase>>;
const KEY = 'tG3v9Qm2yZ8pR1sW4xK7bN0cL5hD6fJ=';
const dir = mkdtempSync(join(tmpdir(), 'backup-encrypted-'));
const dbs: Pg[] = [];

async function emptyDatabase(): Promise<Pg> {
  const pg = await createTestDatabase();
  dbs.push(pg);
  return pg;
}
async function sql<T>(url: string, text: string): Promise<T[]> {
  const conn = await openTarget({ DATABASE_URL: url }, 'test');
  try {
    return await conn.query<T>(text);
  } finally {
    await conn.close();
  }
}
const counts = async (url: string) => {
  const conn = await openTarget({ DATABASE_URL: url }, 'test');
  try {
    return Object.fromEntries(await countRows(conn, await listTables(conn)));
  } finally {
    await conn.close();
  }
};

/** One of the project's commands, as `npm run …` runs it; its exit code and what it said. */
async function command(script: string, args: string[], env: Record<string, string | undefined>) {
  return promisify(execFile)(process.execPath, [script, ...args], { env: { ...process.env, BACKUP_KEY: undefined, MODE: undefined, ...env } }).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
}

let source: Pg;
let sealed: string;

beforeAll(async () => {
  source = await emptyDatabase();
  const migrated = await command('drizzle/migrate-cli.ts', [], { DATABASE_URL: source.url });
  expect(migrated.code, migrated.stderr).toBe(0);
  // More rows than one fetch (1000) or one insert (500) of backup and restore: every batch boundary is crossed.
  await sql(
    source.url,
    `insert into wa_sessions (id, phone, status) values ('shop', '5511987654321', 'open');
     insert into wa_auth_creds (session_id, creds) values ('shop', '{"registered":true,"me":{"id":"5511987654321:3@s.whatsapp.net"}}');
     insert into wa_auth_keys (session_id, type, id, value)
       select 'shop', 'pre-key', g::text, '{"public":"' || md5(g::text) || '"}' from generate_series(1, 300) g;
     insert into conversations (session_id, contact_jid, phone, name)
       select 'shop', g || '@lid', '55119' || lpad(g::text, 8, '0'), 'Cliente ' || g from generate_series(1, 40) g;
     insert into messages (conversation_id, session_id, wa_message_id, direction, author, text, status, media)
       select c.id, 'shop', 'M' || c.phone || '-' || g, case when g % 2 = 0 then 'in' else 'out' end,
              case when g % 2 = 0 then 'customer' else 'agent' end, 'Olá, mensagem nº ' || g || ' — ação 👍', 'received',
              case when g % 10 = 0 then jsonb_build_object('mimeType', 'image/jpeg', 'stored', jsonb_build_object('key', 'media/shop/' || g)) end
         from conversations c, generate_series(1, 60) g;
     insert into api_keys (name, prefix, hash, scopes) values ('admin', 'iak_abc', 'h1', '{keys:admin}');`,
  );
  sealed = join(dir, 'ia_agent.jsonl.gz.enc');
  const backup = await command('ops/backup-cli.ts', ['--out', sealed, '--encrypt'], { DATABASE_URL: source.url, BACKUP_KEY: KEY });
  expect(backup.code, backup.stderr).toBe(0);
  expect(backup.stderr).toMatch(/backup: done: .*ia_agent\.jsonl\.gz\.enc: \d+ tables, \d+ rows, migration level \d+, encrypted with BACKUP_KEY;/);
}, 60_000);

afterAll(async () => {
  for (const pg of dbs) await pg.drop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the restore drill: backup → encrypt → decrypt → restore → compare', () => {
  it('writes a file that reads as nothing without the key: no gzip, no row text, only its header line in clear', () => {
    const bytes = readFileSync(sealed);
    expect(isEncrypted(sealed)).toBe(true);
    expect(bytes.subarray(0, 2)).not.toEqual(Buffer.from([0x1f, 0x8b]));
    const header = bytes.subarray(0, bytes.indexOf(0x0a)).toString();
    expect(header).toMatch(/^ia_agent-backup-encrypted 1 \{"kdf":"scrypt".*"cipher":"aes-256-gcm"/);
    expect(bytes.toString('latin1')).not.toMatch(/5511987654321|Cliente|wa_auth_creds/);
  });

  it('restores into an empty database with every table’s row count and checksum equal to the file’s', async () => {
    const target = await emptyDatabase();
    const run = await command('ops/restore-cli.ts', [sealed, '--verify'], { DATABASE_URL: target.url, BACKUP_KEY: KEY });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Verified: every table's row count and checksum match the backup's\.\n$/);
    const restored = await counts(target.url);
    expect(restored).toEqual(await counts(source.url));
    expect(restored).toMatchObject({ messages: 2400, conversations: 40, wa_auth_keys: 300, wa_auth_creds: 1 });
    const [ana] = await sql<{ text: string }>(target.url, `select text from messages where wa_message_id = 'M5511900000007-3'`);
    expect(ana!.text).toBe('Olá, mensagem nº 3 — ação 👍');
  });

  it('refuses a wrong key and a missing key with a sentence, a non-zero exit and nothing changed', async () => {
    const target = await emptyDatabase();
    const wrong = await command('ops/restore-cli.ts', [sealed], { DATABASE_URL: target.url, BACKUP_KEY: `${KEY}x` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/restore: BACKUP_KEY is not the key ia_agent\.jsonl\.gz\.enc was encrypted with; .* Nothing was changed\.\n$/);
    const missing = await command('ops/restore-cli.ts', [sealed], { DATABASE_URL: target.url });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/restore: BACKUP_KEY is not set: ia_agent\.jsonl\.gz\.enc is encrypted; .* Nothing was changed\.\n$/);
    expect(await sql(target.url, `select 1 from information_schema.tables where table_schema = 'public'`)).toEqual([]);
  });

  it('refuses a changed, a cut-short and a re-headed file, leaving no opened copy behind', async () => {
    const bytes = readFileSync(sealed);
    const headerEnd = bytes.indexOf(0x0a) + 1;
    const flipped = Buffer.from(bytes);
    flipped[headerEnd + 100] = flipped[headerEnd + 100]! ^ 0x01;
    const reheaded = Buffer.from(bytes.toString('latin1').replace(/"iv":"[^"]+"/, '"iv":"AAAAAAAAAAAAAAAA"'), 'latin1');
    const cases: [string, Buffer][] = [
      ['flipped', flipped],
      ['cut', bytes.subarray(0, bytes.length - 1000)],
      ['reheaded', reheaded],
    ];
    for (const [name, content] of cases) {
      const file = join(dir, `${name}.enc`);
      writeFileSync(file, content);
      const out = join(dir, `${name}.jsonl.gz`);
      const opening = decryptFile(file, out, KEY);
      await expect(opening, name).rejects.toThrow(BackupFileError);
      await expect(opening, name).rejects.toThrow(/is damaged: its encrypted data does not authenticate \(changed, or cut short\); use another copy\.$/);
      expect(existsSync(out) || existsSync(`${out}.partial`), name).toBe(false);
    }
    // A header asking scrypt for gigabytes is refused before any key is derived.
    const greedy = join(dir, 'greedy.enc');
    writeFileSync(greedy, Buffer.from(bytes.toString('latin1').replace('"N":32768', '"N":1073741824'), 'latin1'));
    await expect(decryptFile(greedy, join(dir, 'greedy.jsonl.gz'), KEY)).rejects.toThrow(/greedy\.enc is damaged: its encryption header is unreadable\.$/);
    const target = await emptyDatabase();
    const run = await command('ops/restore-cli.ts', [join(dir, 'flipped.enc')], { DATABASE_URL: target.url, BACKUP_KEY: KEY });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/does not authenticate .* Nothing was changed\.\n$/);
  });

  it('refuses to encrypt with a missing or short key before reading the database', async () => {
    const out = join(dir, 'weak.enc');
    const weak = await command('ops/backup-cli.ts', ['--out', out, '--encrypt'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', BACKUP_KEY: 'hunter2' });
    expect(weak).toEqual({ code: 2, stderr: expect.stringMatching(/^backup: BACKUP_KEY is too short to protect a backup \(7 characters, at least 16\); make one with: openssl rand -base64 32\n$/) });
    const none = await command('ops/backup-cli.ts', ['--out', out, '--encrypt'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(none).toEqual({ code: 2, stderr: expect.stringMatching(/^backup: BACKUP_KEY is not set: --encrypt seals the file with it/) });
    expect(existsSync(out)).toBe(false);
    await expect(encryptFile(sealed, out, 'short')).rejects.toThrow(BackupKeyError);
  });

  it('round-trips any file byte for byte, empty included', async () => {
    for (const content of [Buffer.alloc(0), gzipSync('x'.repeat(200_000))]) {
      const plain = join(dir, 'plain');
      writeFileSync(plain, content);
      await encryptFile(plain, join(dir, 'plain.enc'), KEY);
      await decryptFile(join(dir, 'plain.enc'), join(dir, 'opened'), KEY);
      expect(readFileSync(join(dir, 'opened')).equals(content)).toBe(true);
    }
  });

  it('--verify fails, naming the table, when the restored rows are not the backup’s', async () => {
    const target = await emptyDatabase();
    const plain = join(dir, 'opened.jsonl.gz');
    await decryptFile(sealed, plain, KEY);
    const header = await verifyBackup(plain);
    const conn = await openTarget({ DATABASE_URL: target.url }, 'test');
    try {
      await restoreBackup(conn, plain, () => undefined);
      await expect(verifyRestored(conn, header)).resolves.toMatchObject({ rows: header.tables.reduce((n, t) => n + t.rows, 0), checksums: true });
      await conn.query(`update messages set text = 'changed' where wa_message_id = 'M5511900000001-1'`);
      await conn.query(`delete from wa_auth_keys where id = '7'`);
      const check = verifyRestored(conn, header);
      await expect(check).rejects.toThrow(VerifyFailed);
      await expect(check).rejects.toThrow(/^the restored database differs from the backup: (?=.*messages's rows differ)(?=.*wa_auth_keys has 299 rows, the backup 300)/);
    } finally {
      await conn.close();
    }
    // The opened file is the backup as written: its lines read as one.
    let lines = 0;
    for await (const _ of readLines(plain)) lines++;
    expect(lines).toBe(1 + header.tables.reduce((n, t) => n + t.rows, 0));
  });
});
