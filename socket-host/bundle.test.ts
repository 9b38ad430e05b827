/**
 * The bundle the Docker image runs (socket-host/build.ts), started as the image starts it: the
 * Dockerfile's NODE_OPTIONS, its CMD's flags and MODE=cloud, with TypeScript stripping turned off so
 * that nothing in it can fall back to the sources. The rest of the socket-host's tests run the sources themselves.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waSessions } from '../drizzle/schema.ts';
import { freePort } from '../local/free-port.ts';
import { buildSocketHost } from './build.ts';
import { imageNode } from './image-node.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';
import { pollUntil } from './testing.ts';

const image = imageNode();
// Beside node_modules, as in the image: the bundle imports its packages from there.
mkdirSync('dist', { recursive: true }); // a fresh clone has none yet
const dir = mkdtempSync(join('dist', 'bundle-test-'));
let bundle: string;
let t: TestDatabase;

beforeAll(async () => {
  bundle = await buildSocketHost(join(dir, 'main.mjs'));
  t = await startTestDatabase();
}, 60_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (env: Record<string, string>) => ({
  PATH: process.env.PATH ?? '',
  NODE_OPTIONS: image.nodeOptions.join(' '),
  NODE_ENV: 'production',
  MODE: 'cloud',
  ...env,
});
const args = () => ['--no-experimental-strip-types', ...image.flags, relative(process.cwd(), bundle)];

describe('the socket-host bundle, run as the image runs it', () => {
  it('imports only packages and Node built-ins: none of our sources is loaded at run time', () => {
    expect(image.nodeOptions).not.toEqual([]);
    const source = readFileSync(bundle, 'utf8');
    const specifiers = [...source.matchAll(/^import\s[^'"]*?from\s*"([^"]+)"|\bimport\("([^"]+)"\)/gm)].map((m) => m[1] ?? m[2]!);
    expect(specifiers).toContain('@whiskeysockets/baileys');
    expect(specifiers.filter((s) => s.startsWith('.') || s.startsWith('/') || s.endsWith('.ts'))).toEqual([]);
  });

  it('starts, answers /health, holds its number\'s lease, and frees it when stopped', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, args(), {
      env: run({
        PORT: String(port),
        DATABASE_URL: t.databaseUrl,
        DATABASE_HTTP_URL: t.httpUrl,
        // Nothing listens on either: no event is published, no reply is sent in this test.
        QSTASH_URL: 'http://127.0.0.1:9',
        PUBLIC_URL: 'http://127.0.0.1:9',
        QSTASH_TOKEN: 'bundle-test',
        QSTASH_CURRENT_SIGNING_KEY: 'sig_bundle_test_current',
        QSTASH_NEXT_SIGNING_KEY: 'sig_bundle_test_next',
        WA_SESSIONS: 'main',
        LOG_LEVEL: 'silent',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const health = await pollUntil(
        async () => {
          const res = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
          return res?.ok ? ((await res.json()) as { status: string; sessions: { id: string }[] }) : undefined;
        },
        'the bundle to answer /health',
        30_000,
      );
      expect(health.status).toBe('ok');
      expect(health.sessions.map((s) => s.id)).toEqual(['main']);
      await pollUntil(() => output.includes(`socket-host listening on port ${port}; sessions: main`), 'the line main.ts logs once started');
      await pollUntil(async () => (await t.db.select().from(waSessions).where(eq(waSessions.id, 'main')))[0]?.leaseOwner, 'the lease on main');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, output).toBe(0);
    const [row] = await t.db.select().from(waSessions).where(eq(waSessions.id, 'main'));
    expect(row?.leaseOwner).toBeNull();
  }, 60_000);

  it('names a configuration mistake in one line on stderr and exits 1, as the sources do', () => {
    const result = spawnSync(process.execPath, args(), { env: run({}), encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    const stderr = result.stderr.trim();
    expect(stderr.split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^socket-host: Configuration is invalid: /);
    for (const name of ['DATABASE_URL', 'QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'PUBLIC_URL']) expect(stderr).toContain(name);
  });
});
