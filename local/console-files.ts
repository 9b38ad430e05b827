/**
 * The console's built files on the local Node stack, as Workers static assets serve them in the cloud
 * (wrangler.toml [assets]): /console/assets/* as files, any other /console path as index.html so a
 * reload of a client route (/console/inbox/…) lands on the same page. Node only: never in the Worker bundle.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { ASSET_CACHE, CONSOLE_HEADERS } from '../console/security-headers.ts';
import { CONSOLE_DIST } from './console-build.ts';

type Fetch = (request: Request) => Response | Promise<Response>;

export function consoleFiles(dist = CONSOLE_DIST): Hono {
  const app = new Hono();
  app.use('/console/*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) c.res.headers.set(name, value);
    // Hashed names: an asset's content never changes under its name; index.html always may.
    const immutable = c.req.path.startsWith('/console/assets/') && c.res.ok;
    c.res.headers.set('Cache-Control', immutable ? ASSET_CACHE : 'no-cache');
  });
  app.use('/console/assets/*', serveStatic({ root: dist }));
  app.get('/console/assets/*', (c) => c.text('No such console file.', 404));
  // The API reference, its own page (Workers serves docs.html at /console/docs by its html_handling).
  app.get('/console/docs', serveStatic({ root: dist, path: 'console/docs.html' }));
  app.get('/console', serveIndex(dist));
  app.get('/console/*', serveIndex(dist));
  return app;
}

function serveIndex(dist: string) {
  const index = serveStatic({ root: dist, path: 'console/index.html' });
  return async (c: Parameters<typeof index>[0], next: () => Promise<void>) => {
    if (!existsSync(join(dist, 'console', 'index.html'))) {
      return c.text('The console is not built: run `npm run build:console` (npm run dev builds it on start).', 503);
    }
    return (await index(c, next)) ?? c.notFound();
  };
}

/** /console and /console/* from the built files; every other path to the functions app. */
export function withConsoleFiles(functions: Fetch, dist = CONSOLE_DIST): Fetch {
  const files = consoleFiles(dist);
  return (request) => {
    const { pathname } = new URL(request.url);
    return pathname === '/console' || pathname.startsWith('/console/') ? files.fetch(request) : functions(request);
  };
}
