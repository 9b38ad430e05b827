import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOCKET_HOST_BUNDLE } from './build.ts';
import { imageNode } from './image-node.ts';

// No Docker engine runs here, so the image is checked by reading what it would contain.
const dockerfile = readFileSync('Dockerfile', 'utf8');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

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
  const stages = dockerfile.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
  const stage = (name: string) => stages.find((s) => s.match(/^FROM \S+ AS (\S+)/)?.[1] === name) ?? '';

  it('runs the bundle socket-host/build.ts writes from `npm run socket-host`\'s entry', () => {
    const image = imageNode(dockerfile);
    expect(image.entry).toBe(SOCKET_HOST_BUNDLE);
    // Only V8 flags before it: what the bench and bundle.test.ts also pass.
    for (const flag of image.flags) expect(flag).toMatch(/^--[a-z-]+(=\S+)?$/);
    expect(stage('build')).toMatch(/^RUN node socket-host\/build\.ts$/m);
    expect(stages.at(-1)).toContain(`COPY --from=build --chown=node:node /app/${dirname(SOCKET_HOST_BUNDLE)} ./${dirname(SOCKET_HOST_BUNDLE)}`);
    expect(pkg.scripts['build:socket-host']).toBe('node scripts/require-node.cjs && node socket-host/build.ts');
    // The npm script checks the Node version first (scripts/require-node.cjs); the image pins Node 24.
    expect(pkg.scripts['socket-host']).toBe('node scripts/require-node.cjs && node socket-host/main.ts');
    // esbuild is installed in the build stage only: the image's own install leaves dev dependencies out.
    expect(pkg.devDependencies).toHaveProperty('esbuild');
    expect(stage('build')).toMatch(/^RUN npm ci --ignore-scripts$/m);
  });

  it('is Node 24 slim, non-root, production dependencies only, with a health check', () => {
    expect(dockerfile.match(/^FROM (\S+)/gm)).toEqual(['FROM node:24-slim', 'FROM node:24-slim', 'FROM node:24-slim']);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(stage('deps')).toMatch(/npm ci --omit=dev/);
    expect(stages.at(-1)).toContain('COPY --from=deps --chown=node:node /app/node_modules ./node_modules');
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\n?.*\/health/m);
  });

  it('builds from every file the entry imports, and every package the bundle leaves out is a production dependency', () => {
    const { files, packages } = closure('socket-host/main.ts');
    const copied = [...stage('build').matchAll(/^COPY (\S+) \.\/\S*$/gm)].map((m) => m[1]!);
    for (const file of [...files, ...closure('socket-host/build.ts').files]) {
      expect(existsSync(file), file).toBe(true);
      expect(copied.some((dir) => file === dir || file.startsWith(`${dir}/`)), `${file} is not copied`).toBe(true);
    }
    for (const name of packages) expect(pkg.dependencies, name).toHaveProperty(name);
  });
});
