import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const { supports, sentence } = createRequire(import.meta.url)('./require-node.cjs') as {
  supports: (version: string) => boolean;
  sentence: (version: string) => string;
};
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string>; engines: { node: string } };
const scripts = pkg.scripts;

/** Whether `version` is in an `engines` range made of `^x.y.z` and `>=x.y.z` alternatives (all ours uses). */
function inEngines(range: string, version: string): boolean {
  const parse = (v: string) => v.split('.').map(Number) as [number, number, number];
  const compare = (a: number[], b: number[]) => a[0]! - b[0]! || a[1]! - b[1]! || a[2]! - b[2]!;
  const v = parse(version);
  return range.split('||').some((part) => {
    const [, op, at] = part.trim().match(/^(\^|>=)(\d+\.\d+\.\d+)$/) ?? [];
    if (!op || !at) throw new Error(`engines.node: cannot read "${part.trim()}"`);
    const min = parse(at);
    return compare(v, min) >= 0 && (op === '>=' || v[0] === min[0]);
  });
}
const PREFLIGHT = 'node scripts/require-node.cjs && ';

// The machine's own Node (Debian's, v20 here) is what a new user runs `npm run dev` with.
const OLD_NODE = '/usr/bin/node';
const oldVersion = existsSync(OLD_NODE) ? spawnSync(OLD_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim() : '';
const haveOldNode = oldVersion !== '' && !supports(oldVersion);

describe('the Node version preflight', () => {
  it('runs first in every npm script', () => {
    for (const [name, command] of Object.entries(scripts)) expect(command, name).toMatch(new RegExp(`^${PREFLIGHT.replace(/[.&]/g, '\\$&')}`));
  });

  it('knows which Node versions run .ts files without flags', () => {
    const table = { '20.20.2': false, '22.17.1': false, '22.18.0': true, '23.5.0': false, '23.6.0': true, '24.0.0': true, '26.1.0': true };
    expect(Object.fromEntries(Object.keys(table).map((v) => [v, supports(v)]))).toEqual(table);
  });

  it('and package.json’s engines say the same, so npm warns about exactly the versions the preflight refuses', () => {
    for (const v of ['20.20.2', '22.17.1', '22.18.0', '22.20.0', '23.0.0', '23.5.0', '23.6.0', '24.0.0', '26.1.0']) {
      expect(inEngines(pkg.engines.node, v), v).toBe(supports(v));
    }
  });

  it('lets the Node running the tests through without a word', () => {
    const run = spawnSync(process.execPath, ['scripts/require-node.cjs'], { encoding: 'utf8' });
    expect([run.status, run.stdout, run.stderr]).toEqual([0, '', '']);
  });

  it.skipIf(!haveOldNode)(`on an old Node, \`npm run dev\` says in one sentence which Node to install (${OLD_NODE})`, () => {
    const npm = '/usr/bin/npm';
    // Through npm itself when the machine has it, exactly as a user types it; else the preflight alone.
    const run = existsSync(npm)
      ? spawnSync(OLD_NODE, [npm, 'run', '--silent', 'dev'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp' }, timeout: 30_000 })
      : spawnSync(OLD_NODE, ['scripts/require-node.cjs'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(sentence(oldVersion));
    expect(run.stderr).toContain(`v${oldVersion}`);
    expect(run.stderr).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|\n\s+at /);
  });
});
