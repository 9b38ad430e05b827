/**
 * `npm run restore -- FILE --verify`, the restore drill's check: after the restore, the database is
 * read back exactly as `npm run backup` reads it, and every table's row count and SHA-256 must equal
 * what the file's own header lists. A backup that restores to something else is found here, on a
 * scheduled drill, rather than on the day it is needed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Conn } from './connection.ts';
import type { Header } from './backup-format.ts';
import { writeBackup } from './backup.ts';

export class VerifyFailed extends Error {}

/** Throws a VerifyFailed naming each table that differs; returns how many tables and rows matched. */
export async function verifyRestored(conn: Conn, header: Header): Promise<{ tables: number; rows: number; checksums: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'ia-agent-verify-'));
  let now: Header;
  try {
    now = await writeBackup(conn, join(dir, 'restored.jsonl.gz'), () => undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Restore applies the migrations newer than the backup after loading it; a later migration may
  // fill a new column, so then only the counts can be held to the file.
  const checksums = now.migrations.count === header.migrations.count;
  const restored = new Map(now.tables.map((t) => [t.name, t]));
  const problems: string[] = [];
  for (const t of header.tables) {
    const got = restored.get(t.name);
    if (!got) problems.push(`${t.name} is missing`);
    else if (got.rows !== t.rows) problems.push(`${t.name} has ${got.rows} rows, the backup ${t.rows}`);
    else if (checksums && got.sha256 !== t.sha256) problems.push(`${t.name}'s rows differ from the backup's (checksum)`);
  }
  if (problems.length > 0) throw new VerifyFailed(`the restored database differs from the backup: ${problems.join('; ')}.`);
  return { tables: header.tables.length, rows: header.tables.reduce((n, t) => n + t.rows, 0), checksums };
}
