/**
 * Builds the console (console/ → console/dist) when its output is missing or older than its sources,
 * so `npm run dev` and the browser tests always serve what console/src says; vite takes seconds.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CONSOLE_DIR = join(ROOT, 'console');
/** What Workers uploads as static assets: dist/console/** plus dist/index.html (the SPA fallback). */
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const BUILT_INDEX = join(CONSOLE_DIST, 'console', 'index.html');

/** Why the console needs building, or null when dist is newer than every source file. */
export function consoleBuildReason(): string | null {
  if (!existsSync(BUILT_INDEX)) return 'console/dist is missing';
  const built = statSync(BUILT_INDEX).mtimeMs;
  const sources = ['index.html', 'vite.config.ts', 'security-headers.ts'].map((f) => join(CONSOLE_DIR, f)).concat(filesUnder(join(CONSOLE_DIR, 'src')));
  return sources.some((f) => statSync(f).mtimeMs > built) ? 'console/dist is older than console/src' : null;
}

export async function ensureConsoleBuilt(say: (line: string) => void = console.log): Promise<void> {
  const reason = consoleBuildReason();
  if (!reason) return;
  say(`ia_agent: building the console (${reason})…`);
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  await run(process.execPath, [vite, 'build', '--config', join(CONSOLE_DIR, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: CONSOLE_DIR });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
