import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { percentile, round } from './stats.ts';

const IMPORT_RUNS = 7;

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
    // Several fresh processes, the median: one import on a busy machine says little. CPU time beside
    // the wall time, as Cloudflare counts start-up in CPU.
    const imports: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < IMPORT_RUNS; i++) {
      const { stdout: timed } = await promisify(execFile)(process.execPath, [
        '--input-type=module',
        '-e',
        `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(join(outdir, 'index.js')).href)}); ` +
          'const u = process.cpuUsage(c); console.log(JSON.stringify({ wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 }));',
      ]);
      imports.push(JSON.parse(timed) as { wallMs: number; cpuMs: number });
    }
    return {
      bytes: code.length,
      gzipBytes: gzipSync(code, { level: 9 }).length,
      wranglerKiB: reported ? { total: Number(reported[1]), gzip: Number(reported[2]) } : null,
      importMs: round(percentile(imports.map((i) => i.wallMs), 50), 1),
      importCpuMs: round(percentile(imports.map((i) => i.cpuMs), 50), 1),
      importRuns: IMPORT_RUNS,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
