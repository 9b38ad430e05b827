/**
 * docs/runbooks.md promises that its commands run as written. This runs every one of them, in the
 * document's order, against the real stack (functions, socket-host with a fake WhatsApp, the local
 * queue, PostgreSQL) with `bash`, `curl` and `node`, as a person would paste them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QSTASH_DEV_CREDENTIALS } from '../shared/config/qstash-dev-credentials.ts';
import { createTestDatabase } from '../test-support/postgres.ts';
import { eventually, startPipelineStack, type PipelineStack } from '../test-support/pipeline-stack.ts';

/** Changes a deployment's root secret: run by hand (its own commands were run when it was written). */
const BY_HAND = ['Rotate the admin key'];
/** Set by the test to the stack's addresses; the document sets them to `npm run dev`'s defaults. */
const PRESET = /^\s*(B|KEY|Q)=/;

/** Every fenced `sh` block and every inline `curl …`, section by section. */
function runbookCommands(markdown: string): string[] {
  const sections = markdown.split(/^(?=## )/m).filter((s) => !BY_HAND.some((title) => s.startsWith(`## ${title}`)));
  const commands: string[] = [];
  for (const section of sections) {
    const fenced = [...section.matchAll(/^ *```sh\n([\s\S]*?)^ *```$/gm)];
    commands.push(...fenced.map((m) => m[1]!.split('\n').map((line) => line.trim()).filter((line) => line && !PRESET.test(line)).join('\n')));
    const prose = section.replace(/^ *```sh\n[\s\S]*?^ *```$/gm, '');
    commands.push(...[...prose.matchAll(/`(curl [^`]+)`/g)].map((m) => m[1]!));
  }
  return commands;
}

function runBash(script: string, options: { cwd: string; timeout: number; env: NodeJS.ProcessEnv }) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', script], options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

let t: PipelineStack;
let restoreInto: Awaited<ReturnType<typeof createTestDatabase>>;
// Inside the checkout (under the ignored .data/), where a person runs them: `npm run smoke` finds the project from there.
mkdirSync('.data', { recursive: true });
const cwd = mkdtempSync(join(process.cwd(), '.data', 'runbook-'));
beforeAll(async () => {
  t = await startPipelineStack();
  restoreInto = await createTestDatabase();
  await eventually(() => t.fake.latest()?.state === 'open', 'the number to connect');
}, 120_000);
afterAll(async () => {
  await t?.stop();
  await restoreInto?.drop();
  rmSync(cwd, { recursive: true, force: true });
});

describe('docs/runbooks.md', () => {
  it('finds the commands it documents', () => {
    const commands = runbookCommands(readFileSync('docs/runbooks.md', 'utf8')).join('\n');
    for (const route of ['/v1/sessions/default/qr.png', '/v1/sessions/default/restart', '/v1/sessions/default/logout', '/v2/dlq', '/resume', 'npm run backup', 'npm run restore', 'npm run smoke -- $B']) {
      expect(commands).toContain(route);
    }
  });

  it('runs every command as written, each one accepted (no missing token, no unsigned call, no unknown route)', async () => {
    // Something for the dead-letter and the paused-conversation commands to act on.
    const Q = t.stack.urls.services;
    const B = t.stack.urls.functions;
    const token = { authorization: `Bearer ${QSTASH_DEV_CREDENTIALS.QSTASH_TOKEN}` };
    await fetch(`${Q}/v2/publish/${B}/hooks/whatsapp`, { method: 'POST', headers: { ...token, 'content-type': 'application/json' }, body: '{"not":"an event"}' });
    await eventually(async () => (await (await fetch(`${Q}/v2/dlq`, { headers: token })).json()).messages.length > 0, 'a dead letter');
    t.customerWrites('15557770042', 'Is anyone there?');
    const conversation = await eventually(async () => (await (await t.api('/v1/conversations')).json()).data[0], 'the conversation');
    expect((await t.api(`/v1/conversations/${conversation.id}/pause`, { method: 'POST', body: '{}' })).status).toBe(200);

    const script = ['set -euo pipefail', ...runbookCommands(readFileSync('docs/runbooks.md', 'utf8'))].join('\n');
    // Asynchronously: the stack answering these commands runs in this very process.
    const run = await runBash(script, {
      cwd,
      timeout: 90_000,
      env: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: process.env.HOME ?? cwd,
        B,
        KEY: t.adminKey,
        Q,
        DATABASE_URL: t.databaseUrl,
        NEW_DATABASE_URL: restoreInto.url,
      },
    });
    const said = `${run.stdout}\n${run.stderr}`;
    expect(run.status, said).toBe(0);
    expect(said).not.toMatch(/UNAUTHORIZED|FORBIDDEN|missing Authorization|No route for|invalid signature/i);
    // What the runbook says each command does, it did.
    expect(said).toContain('"code":"ALREADY_LINKED"'); // the QR of a linked number: no bare 404
    expect(said).toMatch(/"id":"default","status":"logged_out"/); // logout
    expect(said).toMatch(/\{"messageId":"msg_\w+"\}/); // a dead letter sent again
    expect(said).toContain(`"id":"${conversation.id}"`);
    expect(said).toMatch(/"paused":false/); // resumed
    const restored = spawnSync('psql', [restoreInto.url, '-tAc', 'select count(*) from conversations'], { encoding: 'utf8' });
    expect(restored.stdout.trim()).toBe('1'); // the backup restored into the empty database
    expect(said).toMatch(/^✓ hook .*\n[\s\S]*Smoke check passed for /m); // the smoke check, signed hook included
  }, 120_000);
});
