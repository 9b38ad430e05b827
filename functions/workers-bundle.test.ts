import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const outdir = mkdtempSync(join(tmpdir(), 'ia-agent-workers-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('the Workers bundle', () => {
  it('builds with wrangler deploy --dry-run and stays within the free plan', async () => {
    const { stdout } = await run('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
    });
    expect(stdout).toMatch(/Total Upload: [\d.]+ KiB \/ gzip: [\d.]+ KiB/);
    const bundle = join(outdir, 'index.js');
    expect(existsSync(bundle)).toBe(true);
    const code = readFileSync(bundle);
    // Workers Free: 64 MiB uncompressed (since 2026-09); we hold ourselves to the old 3 MiB gzip limit.
    expect(code.length).toBeLessThan(64 * 1024 * 1024);
    expect(gzipSync(code).length).toBeLessThan(3 * 1024 * 1024);
    // Node-only code must never leak into the Worker.
    expect(code.toString()).not.toMatch(/@electric-sql\/pglite|ioredis|baileys/);
  });
});
