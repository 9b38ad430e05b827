/**
 * `npm run backup -- --out FILE`: every table of DATABASE_URL (or the local PGlite data) to one
 * compressed, versioned file, read in one REPEATABLE READ READ ONLY transaction: a single snapshot
 * of the database, however busy it is meanwhile. Media bytes stay in the media bucket.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Conn } from './connection.ts';
import { FORMAT, FORMAT_VERSION, TableHasher, type Header } from './backup-format.ts';
import { listTables, quote } from './schema-info.ts';

/** Rows fetched per round trip from the snapshot's cursor. */
const FETCH_ROWS = 1000;

export const MEDIA_NOTE =
  'media files are not in this file: messages name their keys; the bytes stay in the media bucket (back it up with your provider).';

export type Progress = (line: string) => void;

export async function writeBackup(conn: Conn, out: string, progress: Progress): Promise<Header> {
  // The rows go to a temporary file first: the header, written first, carries their checksums.
  const dir = mkdtempSync(join(tmpdir(), 'ia-agent-backup-'));
  const rowsFile = join(dir, 'rows');
  try {
    const rows = createWriteStream(rowsFile);
    const hasher = new TableHasher();
    await conn.query('begin isolation level repeatable read read only');
    let header: Header;
    try {
      // The same text for the same values on any server: times in UTC, floats in their shortest exact form.
      await conn.query(`set local timezone to 'UTC'`);
      await conn.query('set local extra_float_digits to 1');
      // A database never migrated has no journal; asked first, since a failed query would abort the snapshot.
      const [{ present } = { present: false }] = await conn.query<{ present: boolean }>(
        `select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
      );
      const journal = present
        ? await conn.query<{ n: number; hash: string | null }>(
            'select count(*)::int as n, (select hash from drizzle.__drizzle_migrations order by created_at desc limit 1) as hash from drizzle.__drizzle_migrations',
          )
        : [{ n: 0, hash: null }];
      const tables = await listTables(conn);
      for (const t of tables) {
        // jsonb text, generated columns left out (restore has PostgreSQL compute them again).
        const row = t.generated.reduce((expr, c) => `${expr} - '${c}'`, 'to_jsonb(t)');
        const order = t.key.length > 0 ? t.key.map((c) => `t.${quote(c)}`).join(', ') : `${row}::text`;
        await conn.query(`declare backup_rows no scroll cursor for select (${row})::text as r from ${quote(t.name)} t order by ${order}`);
        for (;;) {
          const batch = await conn.query<{ r: string }>(`fetch ${FETCH_ROWS} from backup_rows`);
          for (const { r } of batch) {
            hasher.add(t.name, r);
            if (!rows.write(`${t.name}\t${r}\n`)) await once(rows, 'drain');
          }
          if (batch.length < FETCH_ROWS) break;
        }
        await conn.query('close backup_rows');
        progress(`backup: ${t.name}: ${hasher.result(t.name).rows} rows`);
      }
      header = {
        format: FORMAT,
        version: FORMAT_VERSION,
        createdAt: new Date().toISOString(),
        migrations: { count: Number(journal[0]?.n ?? 0), lastHash: journal[0]?.hash ?? null },
        tables: tables.map((t) => ({ name: t.name, ...hasher.result(t.name) })),
        media: MEDIA_NOTE,
      };
    } finally {
      await conn.query('rollback').catch(() => undefined);
    }
    rows.end();
    await once(rows, 'finish');
    // Written beside the target and renamed into place: a failed backup never leaves a half file at FILE.
    const partial = `${out}.partial`;
    async function* content() {
      yield `${JSON.stringify(header)}\n`;
      yield* createReadStream(rowsFile);
    }
    await pipeline(Readable.from(content()), createGzip(), createWriteStream(partial));
    renameSync(partial, out);
    return header;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
