import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { round } from './stats.ts';

/** Builds the Worker exactly as `wrangler deploy` would (dry run), then times importing it. */
export async function measureWorkersBundle() {
  const outdir = mkdtempSync(join(tmpdir(), 'ia-agent-bundle-'));
  try {
    const { stdout } = await promisify(execFile)('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    });
    const reported = stdout.match(/Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/);
    const code = readFileSync(join(outdir, 'index.js'));
    // Declared ESM, as workerd knows it is: otherwise Node spends ~40 ms sniffing the module format.
    writeFileSync(join(outdir, 'package.json'), '{"type":"module"}');
    // Import time in a fresh V8 (the engine workerd runs): parse, compile and evaluate the module.
    const { stdout: ms } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(join(outdir, 'index.js')).href)}); console.log(performance.now() - t);`,
    ]);
    return {
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      wranglerKiB: reported ? { total: Number(reported[1]), gzip: Number(reported[2]) } : null,
      importMs: round(Number(ms.trim()), 1),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
