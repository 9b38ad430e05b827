import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../local/free-port.ts';
import { round } from './stats.ts';

/**
 * CPU milliseconds used so far by the workerd processes of one `wrangler dev` (user + system), from
 * /proc. Only its own process group's: another workerd on the machine (a test's) would count too, and
 * one that ends mid-phase would take its CPU out of the difference.
 */
function workerdCpuMs(group: number): number {
  const pids = execFileSync('pgrep', ['-g', String(group), '-f', 'workerd'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
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
  const inspectorPort = await freePort();
  const args = ['wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, '--inspector-port', String(inspectorPort)];
  for (const [name, value] of Object.entries({ ...env, PUBLIC_URL: url })) args.push('--var', `${name}:${value}`);
  // wrangler's output goes to a file, so that a Worker that fails can say why.
  const output = join(persist, 'wrangler.log');
  const fd = openSync(output, 'w');
  const child = spawn('npx', args, { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const failed = (what: string) => new Error(`${what}; wrangler dev said, last:\n${readFileSync(output, 'utf8').split('\n').slice(-30).join('\n')}`);
  try {
    let up = false;
    for (let i = 0; i < 600 && !up; i++) {
      up = (await fetch(`${url}/api/health`).catch(() => undefined))?.ok ?? false;
      if (!up) await new Promise((r) => setTimeout(r, 100));
    }
    if (!up) throw failed('the Worker did not answer /api/health within 60 s');
    for (let i = 0; i < 30; i++) await post(`${url}/hooks/whatsapp`); // warm-up
    const hookStart = workerdCpuMs(child.pid!);
    for (let i = 0; i < count; i++) {
      const status = await post(`${url}/hooks/whatsapp`);
      if (status !== 200) throw failed(`the Worker answered HTTP ${status} to a bench event`);
    }
    const hook = (workerdCpuMs(child.pid!) - hookStart) / count;
    // With BENCH_CPU_PROFILE, a V8 profile of the Worker's isolate over more hooks (after the timed
    // ones: the profiler's own cost stays out of the figure).
    const profileDir = process.env.BENCH_CPU_PROFILE;
    if (profileDir) {
      const profile = await profileIsolate(inspectorPort, async () => {
        for (let i = 0; i < count; i++) await post(`${url}/hooks/whatsapp`);
      });
      mkdirSync(profileDir, { recursive: true });
      writeFileSync(join(profileDir, 'workerd-hook.cpuprofile'), JSON.stringify(profile));
    }
    const bareStart = workerdCpuMs(child.pid!);
    for (let i = 0; i < count; i++) await (await fetch(`${url}/bench-baseline`)).arrayBuffer();
    const bare = (workerdCpuMs(child.pid!) - bareStart) / count;
    log(`workerd: ${round(hook)} ms CPU per inbound hook, ${round(bare)} ms per bare request`);
    return { hookMeanMs: round(hook), bareMeanMs: round(bare), requests: count };
  } finally {
    // wrangler may have ended already (the error above says why): nothing is left to stop then.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
    }
    rmSync(persist, { recursive: true, force: true });
  }
}

/** A CPU profile of the Worker's isolate while `work` runs, through wrangler dev's DevTools inspector. */
async function profileIsolate(inspectorPort: number, work: () => Promise<void>): Promise<unknown> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as { webSocketDebuggerUrl: string }[];
  // wrangler's inspector proxy wants a local Origin (as DevTools sends); Node's WebSocket takes headers.
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl, { headers: { Origin: 'http://localhost' } } as unknown as string[]);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', reject, { once: true });
  });
  let id = 0;
  const pending = new Map<number, (result: unknown) => void>();
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 100 });
    await send('Profiler.start');
    await work();
    return ((await send('Profiler.stop')) as { profile: unknown }).profile;
  } finally {
    ws.close();
  }
}
