/** What backup.ts's and restore.ts's commands share: the target from the environment, and their exits. */
import { PgliteFolderInUse } from '../local/neon/pglite-lock.ts';
import { BackupKeyError } from './backup-crypto.ts';
import { BackupFileError } from './backup-format.ts';
import { openTarget, type Conn } from './connection.ts';
import { RestoreRefused } from './restore-into.ts';
import { VerifyFailed } from './restore-verify.ts';

export async function runCommand(name: string, body: (conn: Conn) => Promise<string>): Promise<number> {
  let conn: Conn | undefined;
  try {
    conn = await openTarget({ DATABASE_URL: process.env.DATABASE_URL || undefined, DATA_DIR: process.env.DATA_DIR }, `npm run ${name}`);
    console.error(`${name}: ${conn.label}`);
    console.error(`${name}: ${await body(conn)}`);
    return 0;
  } catch (error) {
    console.error(`${name}: ${sentence(error, name)}`);
    return 1;
  } finally {
    await conn?.close().catch(() => undefined);
  }
}

function sentence(error: unknown, name: string): string {
  if (error instanceof PgliteFolderInUse) {
    return `${error.owner.command} (pid ${error.owner.pid}) has the PGlite database in ${error.folder} open; stop it first.`;
  }
  if (error instanceof BackupFileError || error instanceof RestoreRefused || error instanceof BackupKeyError) return `${error.message} Nothing was changed.`;
  // --verify runs after the restore committed: the rows are there, but not the backup's.
  if (error instanceof VerifyFailed) return `${error.message} Do not use this database: drop it and restore another copy.`;
  const e = error as Error & { code?: string };
  if (e.code === 'ECONNREFUSED') return `cannot connect to the database: connection refused (is it running?).`;
  return `${name} failed: ${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}${name === 'restore' ? '; nothing was changed (the transaction was rolled back).' : ''}`;
}
