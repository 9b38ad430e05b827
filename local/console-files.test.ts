import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withConsoleFiles } from './console-files.ts';

const dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
mkdirSync(join(dist, 'console', 'assets'), { recursive: true });
writeFileSync(join(dist, 'console', 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dist, 'console', 'assets', 'index-abc123.js'), 'console.log(1)');
writeFileSync(join(dist, 'console', 'docs.html'), '<!doctype html><title>API reference</title>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

const functions = (req: Request) => new Response(`functions: ${new URL(req.url).pathname}`);
const serve = withConsoleFiles(functions, dist);
const get = (path: string) => serve(new Request(`http://127.0.0.1${path}`));

describe('the console’s files on the local stack', () => {
  it('answers /console and any client route with index.html, not cached, under a same-origin CSP', async () => {
    for (const path of ['/console', '/console/', '/console/inbox/4f0c', '/console/agent?lang=pt-BR']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
  });

  it('answers /console/docs with the API reference page, under the same CSP', async () => {
    const res = await get('/console/docs');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>API reference</title>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('serves hashed assets as immutable files, and a missing one as 404 (never index.html)', async () => {
    const js = await get('/console/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await get('/console/assets/gone.js')).status).toBe(404);
  });

  it('leaves every other path to the functions, /consoles included', async () => {
    expect(await (await get('/v1/agent')).text()).toBe('functions: /v1/agent');
    expect(await (await get('/consoles')).text()).toBe('functions: /consoles');
  });

  it('says how to build the console when it is not built', async () => {
    const res = await withConsoleFiles(functions, join(dist, 'nothing-here'))(new Request('http://127.0.0.1/console/inbox'));
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:console');
  });
});
