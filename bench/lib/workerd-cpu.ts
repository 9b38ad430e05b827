import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/free-port.ts';
import { round } from './stats.ts';

/** CPU seconds used so far by every workerd process (user + system), from /proc. */
function workerdCpuMs(): number {
  const pids = execFileSync('pgrep', ['-f', 'workerd'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // the process ended between pgrep and the read
    }
  }
  return (total / ticks) * 1000;
}

/**
 * The Worker as it ships, in workerd (`wrangler dev`), against the bench's stand-ins: the process CPU
 * per request for the inbound hook and, as the baseline, for an unrouted path answered by the same app
 * (404). /proc counts in 10 ms ticks, so the figure is a mean over many sequential requests.
 */
export async function measureWorkerdCpu(
  env: Record<string, string>,
  post: (url: string) => Promise<number>,
  count: number,
  log: (l: string) => void,
) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const persist = mkdtempSync(join(tmpdir(), 'ia-agent-bench-wrangler-'));
  const args = ['wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist];
  for (const [name, value] of Object.entries({ ...env, PUBLIC_URL: url })) args.push('--var', `${name}:${value}`);
  const child = spawn('npx', args, { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, detached: true, stdio: 'ignore' });
  try {
    for (let i = 0; i < 600; i++) {
      if ((await fetch(`${url}/api/health`).catch(() => undefined))?.ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let i = 0; i < 30; i++) await post(`${url}/hooks/whatsapp`); // warm-up
    const hookStart = workerdCpuMs();
    for (let i = 0; i < count; i++) {
      if ((await post(`${url}/hooks/whatsapp`)) !== 200) throw new Error('the Worker refused a bench event');
    }
    const hook = (workerdCpuMs() - hookStart) / count;
    const bareStart = workerdCpuMs();
    for (let i = 0; i < count; i++) await (await fetch(`${url}/bench-baseline`)).arrayBuffer();
    const bare = (workerdCpuMs() - bareStart) / count;
    log(`workerd: ${round(hook)} ms CPU per inbound hook, ${round(bare)} ms per bare request`);
    return { hookMeanMs: round(hook), bareMeanMs: round(bare), requests: count };
  } finally {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
    rmSync(persist, { recursive: true, force: true });
  }
}
