import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { startStack } from '../../local/stack.ts';
import { eventually } from '../../test-support/eventually.ts';
import { createFakeSockets } from '../../test-support/fake-socket.ts';
import { seedOldAndNew } from './test-seed.ts';

// The embedded stack (PGlite under a data folder, media in its media folder), as `npm run dev` keeps it.
const dataDir = mkdtempSync(join(tmpdir(), 'ia-agent-retention-dev-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run dev with RETENTION_DAYS', () => {
  it('purges at start, on PGlite, what an earlier run left older than RETENTION_DAYS', async () => {
    // An earlier life of this data folder, without retention: old and new rows, files in .data/media.
    const earlier = await startStack({ dataDir, makeSocket: createFakeSockets().makeSocket });
    const seed = await seedOldAndNew(earlier.db, earlier.functions.services.media!);
    await earlier.stop();
    expect(existsSync(join(dataDir, 'media', seed.oldKeys[0]!))).toBe(true);

    const ports = [await freePort(), await freePort(), await freePort()];
    const child = spawn(process.execPath, ['local/dev.ts'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        PORT: String(ports[0]),
        SOCKET_HOST_PORT: String(ports[1]),
        LOCAL_SERVICES_PORT: String(ports[2]),
        LOG_LEVEL: 'info',
        RETENTION_DAYS: '30',
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const line = await eventually(() => output.split('\n').find((l) => l.includes('"msg":"retention purge"')), 'the purge’s log line', 60_000);
      expect(JSON.parse(line)).toMatchObject({ retentionDays: 30, complete: true, deleted: seed.expected });
      for (const key of seed.oldKeys) expect(existsSync(join(dataDir, 'media', key)), key).toBe(false);
      expect(existsSync(join(dataDir, 'media', seed.newKey))).toBe(true);
    } finally {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGINT');
      });
    }
  }, 120_000);
});
