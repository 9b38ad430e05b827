import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const workflows = readdirSync('.github/workflows').filter((f) => f.endsWith('.yml'));

describe('GitHub workflows', () => {
  it.each(workflows)('%s is valid under action-validator', async (file) => {
    await expect(run('npx', ['action-validator', join('.github/workflows', file)])).resolves.toBeDefined();
  });

  it('the validator does reject a broken workflow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-'));
    const broken = join(dir, 'broken.yml');
    copyFileSync('.github/workflows/ci.yml', broken);
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
    await expect(run('npx', ['action-validator', broken])).rejects.toThrow();
  });

  it('CI runs the same script as the project CI', () => {
    expect(readFileSync('.github/workflows/ci.yml', 'utf8')).toContain('bash .ci/run');
  });
});

describe('Vercel', () => {
  it('routes every path but the console’s files to a function that exports the same app as Workers', () => {
    const config = JSON.parse(readFileSync('vercel.json', 'utf8'));
    const [entry] = Object.keys(config.functions);
    expect(entry).toBe('api/index.ts');
    expect(readFileSync(entry!, 'utf8')).toMatch(/export \{ default \} from '\.\.\/functions\/index\.ts'/);
    // Files in the output directory (the console) are served before rewrites apply; a console client
    // route gets its index.html, and every other path reaches the function.
    expect(config.outputDirectory).toBe('console/dist');
    // /console/docs is the API reference's own page (docs.html), not a client route.
    expect(config.rewrites).toEqual([
      { source: '/console/docs', destination: '/console/docs.html' },
      { source: '/console/(.*)', destination: '/console/index.html' },
      { source: '/(.*)', destination: '/api' },
    ]);
  });
});

describe('wrangler.toml', () => {
  it('deploys functions/index.ts in cloud mode with preview URLs', () => {
    const toml = readFileSync('wrangler.toml', 'utf8');
    expect(toml).toMatch(/^main = "functions\/index\.ts"$/m);
    expect(toml).toMatch(/^MODE = "cloud"$/m);
    expect(toml).toMatch(/^preview_urls = true$/m);
  });

  it('serves the console as static assets and runs the Worker first for every other path', () => {
    const toml = readFileSync('wrangler.toml', 'utf8');
    expect(toml).toMatch(/^directory = "\.\/console\/dist"$/m);
    expect(toml).toMatch(/^not_found_handling = "single-page-application"$/m);
    expect(toml).toMatch(/^run_worker_first = \["\/\*", "!\/console", "!\/console\/\*"\]$/m);
  });
});
