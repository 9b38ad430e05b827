/**
 * `npm run build:socket-host`: the socket-host as one JavaScript file, dist/socket-host/main.mjs, which
 * the Docker image runs and socket-host/bundle.test.ts starts. Run from TypeScript, Node loads a
 * WebAssembly type stripper and compiles ~60 of our modules one by one: about 25 MiB of the idle RSS
 * (docs/architecture.md, "The socket-host's memory"). Packages stay in node_modules, imported as they
 * are: bundling them too measured no smaller (Baileys' sources then live in one two-byte string).
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The one set of options: the image's bundle, the bundle test's and the bench's are built alike. */
export function bundleOptions(entry: string, outfile: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22.18',
    // node_modules is installed beside the bundle (the image's production dependencies).
    packages: 'external',
    // Readable stack traces in logs and Sentry: names and lines as written, no minification.
    minify: false,
    logLevel: 'warning',
  };
}

export const SOCKET_HOST_BUNDLE = 'dist/socket-host/main.mjs';

/**
 * Builds `entry` (default the socket-host's main.ts) to `outfile`; returns the file's absolute path.
 * Written whole and then renamed into place: a bench or test starting the previous build meanwhile
 * never reads half a file.
 */
export async function buildSocketHost(outfile = SOCKET_HOST_BUNDLE, entry = 'socket-host/main.ts'): Promise<string> {
  const { outputFiles } = await build({ ...bundleOptions(entry, outfile), write: false });
  const path = resolve(root, outfile);
  const temporary = `${path}.${process.pid}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, outputFiles[0]!.contents);
  renameSync(temporary, path);
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`socket-host bundle: ${await buildSocketHost()}`);
}
