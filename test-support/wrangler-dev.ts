import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../local/free-port.ts';

export type WranglerDevOptions = {
  /** Variables given to the Worker with `--var` (what `wrangler secret put` gives a deployment). */
  vars: Record<string, unknown>;
  /** Appended to the shipped wrangler.toml (bindings a deployment adds, e.g. an R2 bucket). */
  extraToml?: string;
  /** More `wrangler dev` flags (e.g. `--test-scheduled`). */
  flags?: string[];
  /** When the Worker counts as serving: by default any JSON answer of /api/health. */
  ready?: (url: string) => Promise<boolean>;
};

/** How long wrangler may take to build and start workerd: long on a busy 2-core machine. */
const START_TIMEOUT_MS = 150_000;
export const WRANGLER_DEV_HOOK_TIMEOUT_MS = START_TIMEOUT_MS + 30_000;

/**
 * The Worker as it ships, in workerd through `wrangler dev`: the shipped wrangler.toml with absolute
 * paths (it is copied to a temporary folder), on a free port. wrangler's output is kept, and a start
 * that fails says why (its exit code and last lines) instead of only timing out.
 */
export async function startWranglerDev(options: WranglerDevOptions) {
  const persist = mkdtempSync(join(tmpdir(), 'ia-agent-wrangler-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(persist, 'wrangler.toml');
  const shipped = readFileSync('wrangler.toml', 'utf8');
  writeFileSync(
    config,
    shipped
      .replace('main = "functions/index.ts"', `main = "${join(process.cwd(), 'functions/index.ts')}"`)
      .replace('directory = "./console/dist"', `directory = "${join(process.cwd(), 'console/dist')}"`) + (options.extraToml ?? ''),
  );
  const args = ['wrangler', 'dev', '-c', config, '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, ...(options.flags ?? [])];
  for (const [name, value] of Object.entries({ ...options.vars, PUBLIC_URL: url })) {
    if (typeof value === 'string' ? value !== '' : typeof value === 'number') args.push('--var', `${name}:${value}`);
  }
  const worker = spawn('npx', args, { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  worker.stdout!.on('data', keep);
  worker.stderr!.on('data', keep);
  let exited: number | null | undefined;
  worker.on('exit', (code) => (exited = code));

  const ready = options.ready ?? (async (u) => Boolean((await fetch(`${u}/api/health`).catch(() => null))?.headers.get('content-type')?.includes('json')));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await ready(url).catch(() => false)) break;
    const why = exited !== undefined ? `wrangler dev exited (code ${exited})` : Date.now() > deadline ? `wrangler dev did not serve the Worker within ${START_TIMEOUT_MS / 1000} s` : '';
    if (why) {
      stop();
      throw new Error(`${why}; its last lines:\n${output.slice(-1500)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  function stop() {
    // The whole process group (npx → wrangler → workerd); it may be gone already.
    if (worker.pid && exited === undefined) {
      try {
        process.kill(-worker.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    rmSync(persist, { recursive: true, force: true });
  }

  // wrangler.toml's [triggers] crons, as shipped: the tests fire each through /__scheduled.
  const crons = [...(/^crons = \[(.*)\]$/m.exec(shipped)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  return { url, crons, stop };
}

export type WranglerDev = Awaited<ReturnType<typeof startWranglerDev>>;
