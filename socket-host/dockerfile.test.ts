import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

// No Docker engine runs here, so the image is checked by reading what it would contain.
const dockerfile = readFileSync('Dockerfile', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const copied = [...dockerfile.matchAll(/^COPY (?:--chown=\S+ )?(?!--from)(\S+) \.\/\S*$/gm)].map((m) => m[1]!);

/** Every file the entry imports, following relative imports, with the packages it needs. */
function closure(entry: string) {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
      if (spec!.startsWith('.')) visit(normalize(join(dirname(file), spec!)));
      else if (!spec!.startsWith('node:') && !builtinModules.includes(spec!)) {
        packages.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
      }
    }
  };
  visit(entry);
  return { files: [...files], packages: [...packages] };
}

describe('the socket-host image', () => {
  const cmd = dockerfile.match(/^CMD \[(.*)\]$/m)?.[1];

  it('starts the same entry as `npm run socket-host` and the tests', () => {
    expect(cmd).toBe('"node", "socket-host/main.ts"');
    // The npm script checks the Node version first (scripts/require-node.cjs); the image pins Node 24.
    expect(pkg.scripts['socket-host']).toBe('node scripts/require-node.cjs && node socket-host/main.ts');
  });

  it('is Node 24 slim, non-root, production dependencies only, with a health check', () => {
    expect(dockerfile.match(/^FROM (\S+)/gm)).toEqual(['FROM node:24-slim', 'FROM node:24-slim']);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });

  it('contains every file the entry imports, and every package it needs is a production dependency', () => {
    const { files, packages } = closure('socket-host/main.ts');
    for (const file of files) {
      expect(existsSync(file), file).toBe(true);
      expect(copied.some((dir) => file === dir || file.startsWith(`${dir}/`)), `${file} is not copied`).toBe(true);
    }
    for (const name of packages) expect(pkg.dependencies, name).toHaveProperty(name);
  });
});
