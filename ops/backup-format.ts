/**
 * The backup file: gzip over UTF-8 lines. Line 1 is the header (JSON); then each table's rows, one per
 * line, as `<table>\t<row as PostgreSQL's jsonb text>`. The row text is kept exactly as PostgreSQL wrote
 * it and handed back to it on restore, so no value passes through JavaScript numbers or dates.
 * Checksums: SHA-256 over a table's row texts, each followed by "\n".
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export const FORMAT = 'ia_agent-backup';
export const FORMAT_VERSION = 1;

export type Header = {
  format: typeof FORMAT;
  version: number;
  createdAt: string;
  /** drizzle's journal at the time: how many migrations had run, and the last one's hash. */
  migrations: { count: number; lastHash: string | null };
  tables: { name: string; rows: number; sha256: string }[];
  /** Media files are not in the backup: rows name their keys; the bytes stay in the media bucket. */
  media: string;
};

export class BackupFileError extends Error {}

export class TableHasher {
  private hashes = new Map<string, { hash: Hash; rows: number; sha256?: string }>();
  add(table: string, rowText: string): void {
    let entry = this.hashes.get(table);
    if (!entry) this.hashes.set(table, (entry = { hash: createHash('sha256'), rows: 0 }));
    entry.hash.update(rowText).update('\n');
    entry.rows++;
  }
  /** A table's count and checksum; call it once the table's rows are all added. */
  result(table: string): { rows: number; sha256: string } {
    let entry = this.hashes.get(table);
    if (!entry) this.hashes.set(table, (entry = { hash: createHash('sha256'), rows: 0 }));
    entry.sha256 ??= entry.hash.digest('hex');
    return { rows: entry.rows, sha256: entry.sha256 };
  }
}

/** Reads a backup file's lines; a file that is not gzip, or cut short, ends in a BackupFileError. */
export async function* readLines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const source = createReadStream(file);
  source.on('error', (e) => gunzip.destroy(e));
  const lines = createInterface({ input: source.pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new BackupFileError(`${file} does not exist.`);
    if (e.code === 'Z_DATA_ERROR' || e.code === 'Z_BUF_ERROR' || /unexpected end|incorrect header/i.test(e.message)) {
      throw new BackupFileError(
        e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)
          ? `${file} is cut short (its compressed data ends early): it is damaged or was not copied whole.`
          : `${file} is not a backup made by npm run backup (not gzip data, or damaged).`,
      );
    }
    throw error;
  }
}

export function parseHeader(line: string | undefined, file: string): Header {
  let header: Partial<Header> | undefined;
  try {
    header = JSON.parse(line ?? '') as Partial<Header>;
  } catch {
    header = undefined;
  }
  if (!header || header.format !== FORMAT) throw new BackupFileError(`${file} is not a backup made by npm run backup (no ${FORMAT} header).`);
  if (header.version !== FORMAT_VERSION) {
    throw new BackupFileError(`${file} is in backup format ${header.version}; this version of ia_agent reads format ${FORMAT_VERSION}.`);
  }
  return header as Header;
}

/**
 * Reads the whole file and checks it against its header: every table's row count and checksum, no
 * row of a table the header does not list. Throws a BackupFileError saying what is wrong.
 */
export async function verifyBackup(file: string): Promise<Header> {
  let header: Header | undefined;
  const hasher = new TableHasher();
  for await (const line of readLines(file)) {
    if (!header) {
      header = parseHeader(line, file);
      continue;
    }
    const tab = line.indexOf('\t');
    const table = line.slice(0, tab);
    if (tab < 1 || !header.tables.some((t) => t.name === table)) throw new BackupFileError(`${file} is damaged: a line that is no table's row.`);
    hasher.add(table, line.slice(tab + 1));
  }
  if (!header) throw new BackupFileError(`${file} is empty: not a backup made by npm run backup.`);
  for (const t of header.tables) {
    const got = hasher.result(t.name);
    if (got.rows !== t.rows) throw new BackupFileError(`${file} is damaged: ${t.name} has ${got.rows} rows, its header says ${t.rows}.`);
    if (got.sha256 !== t.sha256) throw new BackupFileError(`${file} is damaged: the rows of ${t.name} do not match their checksum.`);
  }
  return header;
}
