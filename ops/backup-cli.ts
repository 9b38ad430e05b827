/**
 * `npm run backup -- --out FILE [--encrypt]` (see backup.ts; --encrypt seals it with BACKUP_KEY, see
 * backup-crypto.ts). Progress on stderr, one final line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { assertStrongKey, backupKey, BackupKeyError, encryptFile } from './backup-crypto.ts';
import { writeBackup } from './backup.ts';
import { runCommand } from './cli.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, encrypt: { type: 'boolean', default: false } } });
if (!values.out) {
  console.error('backup: say where to write it: npm run backup -- --out FILE (e.g. backup.jsonl.gz)');
  process.exit(2);
}
let passphrase: string | undefined;
try {
  // Before the database is read: a missing key is said at once, not after a long backup.
  passphrase = values.encrypt ? assertStrongKey(backupKey(process.env, '--encrypt seals the file with it (runbook "Backups and restore")')) : undefined;
} catch (error) {
  if (!(error instanceof BackupKeyError)) throw error;
  console.error(`backup: ${error.message}`);
  process.exit(2);
}
// npm runs scripts in the project's folder; a relative FILE is where the person typed the command.
const out = resolve(process.env.INIT_CWD ?? process.cwd(), values.out);
process.exitCode = await runCommand('backup', async (conn) => {
  let header;
  if (passphrase === undefined) {
    header = await writeBackup(conn, out, (line) => console.error(line));
  } else {
    // The plain file only ever exists in a private temporary folder.
    const dir = mkdtempSync(join(tmpdir(), 'ia-agent-backup-plain-'));
    try {
      const plain = join(dir, 'backup.jsonl.gz');
      header = await writeBackup(conn, plain, (line) => console.error(line));
      await encryptFile(plain, out, passphrase);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rows = header.tables.reduce((n, t) => n + t.rows, 0);
  const sealed = passphrase === undefined ? '' : ', encrypted with BACKUP_KEY';
  return `done: ${out}: ${header.tables.length} tables, ${rows} rows, migration level ${header.migrations.count}${sealed}; media files stay in the media bucket.`;
});
