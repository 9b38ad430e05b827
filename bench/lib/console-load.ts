import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createApiKey } from '../../functions/keys/api-keys.ts';
import { SCOPES } from '../../functions/keys/scopes.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../local/console-build.ts';
import { withConsoleFiles } from '../../local/console-files.ts';
import { listen } from '../../local/listen.ts';
import type { Db } from '../../shared/db.ts';
import { summary } from './stats.ts';
import { launchChromium } from '../../test-support/chromium.ts';

/** The aim for the console's first load, JavaScript and CSS gzipped. */
export const FIRST_LOAD_TARGET_KIB = 150;

/**
 * What a browser fetches to show the console the first time: the scripts, module preloads and
 * stylesheets index.html names (the /v1/docs page's own bundle is not among them), each gzipped at
 * level 9 as a CDN would serve it. Builds the console first if it is stale.
 */
export async function measureConsoleSize(dist = CONSOLE_DIST) {
  await ensureConsoleBuilt(() => {});
  const html = readFileSync(join(dist, 'console', 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*\bhref)="\/console\/([^"]+\.(js|css))"/g)].map((m) => ({ path: m[1]!, kind: m[2] as 'js' | 'css' }));
  const sized = [...new Map(files.map((f) => [f.path, f])).values()].map((f) => {
    const bytes = readFileSync(join(dist, 'console', f.path));
    return { ...f, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  });
  const total = (kind: 'js' | 'css', key: 'bytes' | 'gzipBytes') => sized.filter((f) => f.kind === kind).reduce((n, f) => n + f[key], 0);
  return {
    files: sized.map((f) => f.path),
    jsGzipBytes: total('js', 'gzipBytes'),
    cssGzipBytes: total('css', 'gzipBytes'),
    gzipBytes: total('js', 'gzipBytes') + total('css', 'gzipBytes'),
    bytes: total('js', 'bytes') + total('css', 'bytes'),
  };
}

/**
 * Time to a signed-in Inbox in headless Chromium, with a cold cache each run (a new browser context):
 * from navigating to /console/inbox, through typing the key and Sign in, to the conversation list
 * showing its first conversation. `base` serves /console and the API; at least one conversation exists.
 */
export async function measureTimeToInbox(base: string, key: string, runs: number) {
  const browser = await launchChromium();
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${base}/console/inbox`);
      await page.getByRole('textbox', { name: 'API key' }).fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('list', { name: 'Conversations' }).getByRole('link').first().waitFor({ timeout: 15_000 });
      times.push(performance.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { runs, ms: summary(times) };
}

/**
 * Section 9 of `npm run bench`: the console's first-load size, and the time to a signed-in Inbox
 * against the bench's own functions process, with the console's files served beside it as Workers
 * static assets are (the bench's functions process serves the API only).
 */
export async function runConsolePhase(functionsUrl: string, db: Db, runs: number) {
  const size = await measureConsoleSize();
  const { key } = await createApiKey(db, { name: 'bench console', scopes: SCOPES });
  const toFunctions = async (req: Request) => {
    const url = new URL(req.url);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
    return await fetch(new URL(url.pathname + url.search, functionsUrl), { method: req.method, headers: req.headers, body, redirect: 'manual' });
  };
  const server = await listen(withConsoleFiles(toFunctions));
  try {
    return { size, timeToInbox: await measureTimeToInbox(server.url, key, runs) };
  } finally {
    await server.close();
  }
}
