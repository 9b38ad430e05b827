/**
 * `npm run smoke` against the real local stack (functions, socket-host with a fake WhatsApp, the
 * local queue, PostgreSQL): it passes with the right key and signing key, and fails, saying what to
 * do, with a wrong key, a wrong signing key, or a server that is gone.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../test-support/pipeline-stack.ts';
import { freePort } from '../local/free-port.ts';

/** Runs the npm script as a person would; asynchronously, as the stack answering it runs in this process. */
function smoke(args: string[], env: Record<string, string>) {
  return new Promise<{ status: number | null; out: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', 'smoke', '--', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (status) => resolve({ status, out }));
  });
}

let t: PipelineStack;
let B: string;
const SIGNING = { QSTASH_CURRENT_SIGNING_KEY: QSTASH_DEV_CREDENTIALS.QSTASH_CURRENT_SIGNING_KEY };
beforeAll(async () => {
  t = await startPipelineStack();
  B = t.stack.urls.functions;
  await eventually(() => t.fake.latest()?.state === 'open', 'the number to connect');
}, 120_000);
afterAll(() => t?.stop());

describe('npm run smoke', () => {
  it('passes against a working deployment, one ✓ line per check', async () => {
    const run = await smoke([B], { SMOKE_API_KEY: t.adminKey, ...SIGNING });
    expect(run.status, run.out).toBe(0);
    expect(run.out).toMatch(/^✓ health .*\(\d+ ms\)$/m);
    expect(run.out).toMatch(/^✓ api .*GET \/v1\/usage/m);
    expect(run.out).toMatch(/^✓ hook .*signed POST \/hooks\/ping/m);
    expect(run.out).toContain(`Smoke check passed for ${B}.`);
  }, 60_000);

  it('fails on a wrong key, naming the check and what to do', async () => {
    const run = await smoke([B], { SMOKE_API_KEY: 'iak_not_a_key_of_this_deployment_000000', ...SIGNING });
    expect(run.status, run.out).toBe(1);
    expect(run.out).toMatch(/^✓ health/m);
    expect(run.out).toMatch(/^✗ api +401 UNAUTHORIZED/m);
    expect(run.out).toMatch(/^✓ hook/m);
    expect(run.out).toContain('api: The deployment refused the key');
  }, 60_000);

  it('fails on a signing key the deployment does not have, or a PUBLIC_URL it does not use', async () => {
    const wrongKey = await smoke([B], { SMOKE_API_KEY: t.adminKey, QSTASH_CURRENT_SIGNING_KEY: 'sig_notTheRealKeyAtAll000000' });
    expect(wrongKey.status, wrongKey.out).toBe(1);
    expect(wrongKey.out).toMatch(/^✗ hook +401 signed POST \/hooks\/ping/m);
    const wrongUrl = await smoke([B, '--public-url', 'https://elsewhere.example'], { SMOKE_API_KEY: t.adminKey, ...SIGNING });
    expect(wrongUrl.status, wrongUrl.out).toBe(1);
    expect(wrongUrl.out).toContain('its PUBLIC_URL must be https://elsewhere.example');
  }, 60_000);

  it('fails against a stopped server, saying nothing answers', async () => {
    // A port the OS just handed out and took back: nothing listens there.
    const gone = { url: `http://127.0.0.1:${await freePort()}` };
    const run = await smoke([gone.url], { SMOKE_API_KEY: t.adminKey, ...SIGNING });
    expect(run.status, run.out).toBe(1);
    expect(run.out).toMatch(/^✗ health +no answer/m);
    expect(run.out).toContain(`Nothing answers at ${gone.url}`);
    expect(run.out).toContain('docs/runbooks.md "Deploy and rollback"');
  }, 60_000);

  it('refuses to run without a URL (exit 2, usage)', async () => {
    const run = await smoke([], {});
    expect(run.status).toBe(2);
    expect(run.out).toContain('Usage: npm run smoke -- <url>');
  });
});
