import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../test-support/eventually.ts';
import { freePort } from './free-port.ts';

// `npm run dev` exactly as a user runs it: a child process with no product environment at all.
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn' };
const dataDir = mkdtempSync(join(tmpdir(), 'ia-agent-dev-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startDev(ports: { functions: number; socketHost: number; services: number }) {
  const child = spawn(process.execPath, ['local/dev.ts'], {
    env: {
      ...baseEnv,
      DATA_DIR: dataDir,
      PORT: String(ports.functions),
      SOCKET_HOST_PORT: String(ports.socketHost),
      LOCAL_SERVICES_PORT: String(ports.services),
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`http://127.0.0.1:${ports.functions}/api/health`).catch(() => undefined);
    if (res?.status === 200) return { child, output: () => output, health: await res.json() };
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`dev did not become healthy:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stop = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

describe('npm run dev', () => {
  it('starts healthy with no environment, and a second start keeps the first one’s data', async () => {
    const ports = { functions: await freePort(), socketHost: await freePort(), services: await freePort() };
    const first = await startDev(ports);
    expect(first.health.status).toBe('ok');
    expect(Object.keys(first.health.checks)).toEqual(['database', 'redis', 'queue', 'socketHost']);
    const key = first.output().match(/admin key +(iak_\S+) +← shown once/)?.[1];
    expect(key).toBeDefined();
    // In words, though LOG_LEVEL=warn hides the log lines: a QR to scan, or why WhatsApp is out of reach
    // (this machine may or may not reach WhatsApp; either way the terminal says which).
    await eventually(
      () => /^WhatsApp session "default": (waiting for a QR scan|cannot reach WhatsApp \(.+\), retrying in \d+ s\.)/m.test(first.output()),
      'a sentence about the WhatsApp session',
      45_000,
    );

    const send = await fetch(`http://127.0.0.1:${ports.functions}/playground/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '15557770001', text: 'Remember me' }),
    });
    expect(send.status).toBe(202);
    const read = () => fetch(`http://127.0.0.1:${ports.functions}/playground/messages?from=15557770001`).then((r) => r.json());
    for (let i = 0; i < 100 && (await read()).data.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await read()).data.map((m: { author: string }) => m.author)).toEqual(['customer', 'agent']);
    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('stopped; data kept for the next start.');

    const second = await startDev(ports);
    try {
      expect(second.output()).toMatch(/admin key +iak_\S+… \(created on an earlier start/);
      expect((await read()).data.map((m: { text: string }) => m.text)[0]).toBe('Remember me');
      const me = await fetch(`http://127.0.0.1:${ports.functions}/v1/conversations`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
    } finally {
      await stop(second.child);
    }
    // Two full starts of the stack on a loaded 2-core machine.
  }, 150_000);

  it('stops on bad configuration with one clear sentence and no stack trace', () => {
    const run = spawnSync(process.execPath, ['local/dev.ts'], {
      env: { ...baseEnv, DATABASE_URL: 'nonsense', DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe('ia_agent: Configuration is invalid: DATABASE_URL must be a postgres:// connection string.');
    expect(run.stdout).not.toMatch(/ at /);
  });
});
