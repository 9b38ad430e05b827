/** The process entry: a configuration mistake is one sentence on stderr and exit code 1, no stack. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';

function runMain(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['socket-host/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    // Generous for a loaded machine; a host that loops instead of stopping is killed and fails below.
    timeout: 20_000,
  });
  return { code: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

/** What a socket-host started on its own must be given (locally they default to `npm run dev`'s stand-ins). */
const ALONE = ['DATABASE_URL', 'QSTASH_URL', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY', 'PUBLIC_URL'];

describe('socket-host/main.ts', () => {
  it('names every missing cloud variable in one line and exits 1', () => {
    const { code, stderr } = runMain({ MODE: 'cloud' });
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^socket-host: Configuration is invalid: /);
    for (const name of ['DATABASE_URL', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'PUBLIC_URL']) expect(stderr).toContain(name);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('started alone with no variables, names every one it needs in one line and exits 1 (no "database unreachable" loop)', () => {
    const { code, stderr } = runMain({});
    expect(code).toBe(1);
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^socket-host: Configuration is invalid: /);
    for (const name of ALONE) expect(stderr).toContain(`${name} is required`);
    expect(stderr).toContain('npm run dev');
  });

  it('names only what is still missing, together with malformed values', () => {
    const { code, stderr } = runMain({ DATABASE_URL: 'postgres://u@127.0.0.1:1/db', QSTASH_URL: 'nonsense', WA_STATUS_EVENTS: 'some' });
    expect(code).toBe(1);
    expect(stderr).not.toContain('DATABASE_URL');
    for (const name of ['QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY', 'PUBLIC_URL']) expect(stderr).toContain(`${name} is required`);
    expect(stderr).toContain('QSTASH_URL must be an http(s) URL');
    expect(stderr).toContain('WA_STATUS_EVENTS must be "failed" or "all"');
  });

  it('refuses an unknown WA_STATUS_EVENTS value the same way', () => {
    const given = {
      ...QSTASH_DEV_CREDENTIALS,
      DATABASE_URL: 'postgres://u@127.0.0.1:1/db',
      QSTASH_URL: 'http://127.0.0.1:1',
      PUBLIC_URL: 'http://127.0.0.1:2',
    };
    const { code, stderr } = runMain({ MODE: 'local', WA_STATUS_EVENTS: 'some', ...given });
    expect(code).toBe(1);
    expect(stderr).toBe('socket-host: Configuration is invalid: WA_STATUS_EVENTS must be "failed" or "all".');
  });
});
