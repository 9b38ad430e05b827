/**
 * `npm run restore -- FILE [--verify]` (see restore-into.ts). An encrypted FILE is opened with
 * BACKUP_KEY (backup-crypto.ts); --verify then reads the database back and holds every table to the
 * file's counts and checksums (restore-verify.ts). Progress on stderr, one final line.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openBackupFile } from './backup-crypto.ts';
import { runCommand } from './cli.ts';
import { restoreBackup } from './restore-into.ts';
import { verifyRestored } from './restore-verify.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { verify: { type: 'boolean', default: false } } });
if (positionals.length !== 1) {
  console.error('restore: name one backup file: npm run restore -- FILE [--verify]');
  process.exit(2);
}
// npm runs scripts in the project's folder; a relative FILE is where the person typed the command.
const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]!);
process.exitCode = await runCommand('restore', async (conn) => {
  const plain = await openBackupFile(file, process.env);
  try {
    // Progress names the file the person gave, not its opened copy in a temporary folder.
    const header = await restoreBackup(conn, plain.path, (line) => console.error(line.replaceAll(plain.path, file)));
    const rows = header.tables.reduce((n, t) => n + t.rows, 0);
    let verified = '';
    if (values.verify) {
      const check = await verifyRestored(conn, header);
      verified = check.checksums
        ? ` Verified: every table's row count and checksum match the backup's.`
        : ` Verified: every table's row count matches the backup's (newer migrations ran, so checksums were not compared).`;
    }
    return `done: ${rows} rows in ${header.tables.length} tables restored from ${file} (made ${header.createdAt}); the same API keys work, and the socket-host reconnects its numbers without a QR.${verified}`;
  } finally {
    plain.done();
  }
});
