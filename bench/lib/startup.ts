import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { percentile, round } from './stats.ts';

/**
 * The Worker's start-up CPU as Cloudflare profiles it: `wrangler check startup` builds the Worker as
 * `wrangler deploy` would, starts it in workerd and samples the CPU of its global scope (parse and
 * evaluate). It runs offline. Its "Active" figure is the CPU the start-up used (garbage collection
 * included), the one Cloudflare holds to its start-up limit (1 s); the rest of its window is idle.
 * Several runs, median and minimum: one run on a busy machine says little.
 */
export async function measureWorkerStartup(runs = 3) {
  const dir = mkdtempSync(join(tmpdir(), 'ia-agent-startup-'));
  const active: number[] = [];
  const gc: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const { stdout } = await promisify(execFile)('npx', ['wrangler', 'check', 'startup', '--outfile', join(dir, `startup-${i}.cpuprofile`)], {
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      });
      const found = stdout.match(/Active: ([\d.]+) ms \(including ([\d.]+) ms garbage collection\)/);
      if (!found) throw new Error(`wrangler check startup printed no "Active" figure:\n${stdout.split('\n').slice(-20).join('\n')}`);
      active.push(Number(found[1]));
      gc.push(Number(found[2]));
    }
    return { activeMs: round(percentile(active, 50), 1), minActiveMs: round(Math.min(...active), 1), gcMs: round(percentile(gc, 50), 1), runs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
