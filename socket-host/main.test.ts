/** The process entry: a configuration mistake is one sentence on stderr and exit code 1, no stack. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function runMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['socket-host/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('socket-host/main.ts', () => {
  it('names every missing cloud variable in one line and exits 1', () => {
    const { code, stderr } = runMain({ MODE: 'cloud' });
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^socket-host: Configuration is invalid: /);
    for (const name of ['DATABASE_URL', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'PUBLIC_URL']) expect(stderr).toContain(name);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses an unknown WA_STATUS_EVENTS value the same way', () => {
    const { code, stderr } = runMain({ MODE: 'local', WA_STATUS_EVENTS: 'some' });
    expect(code).toBe(1);
    expect(stderr).toBe('socket-host: Configuration is invalid: WA_STATUS_EVENTS must be "failed" or "all".');
  });
});
