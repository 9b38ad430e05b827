/**
 * .github/workflows/backup.yml's own `run:` steps, in order, run with bash as the runner runs them
 * (`bash -e`, the step's env, GITHUB_OUTPUT), against local PostgreSQL: the production database is a
 * populated test database and the drill's service container an empty one. Steps that need GitHub
 * (`uses:`), `npm ci` and the bucket copy (no bucket here) are the only ones left out. A file changed
 * between the backup and the drill fails the drill, and the failure step tells ALERT_WEBHOOK_URL.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listen } from '../test-support/listen.ts';
import { createTestDatabase } from '../test-support/postgres.ts';

type Step = { name?: string; run?: string; uses?: string; if?: string; id?: string; env?: Record<string, string> };
type Job = { if?: string; env?: Record<string, string>; steps: Step[]; services: { postgres: { ports: string[] } } };
const job = (parse(readFileSync('.github/workflows/backup.yml', 'utf8')) as { jobs: { backup: Job } }).jobs.backup;
/** Where the job reaches its service container; the test points it at a fresh database instead. */
const SERVICE_URL = 'postgres://postgres@localhost:5432/postgres';

type Pg = Awaited<ReturnType<typeof createTestDatabase>>;
const dbs: Pg[] = [];
async function database(): Promise<Pg> {
  const pg = await createTestDatabase();
  dbs.push(pg);
  return pg;
}
mkdirSync('.data', { recursive: true });
const workspace = mkdtempSync(join(process.cwd(), '.data', 'backup-workflow-'));
const alerts: { text: string }[] = [];
let receiver: Awaited<ReturnType<typeof listen>>;
let production: Pg;

beforeAll(async () => {
  receiver = await listen(new Hono().post('/alert', async (c) => (alerts.push(await c.req.json()), c.body(null, 204))).fetch);
  production = await database();
  const migrate = await bash('npm run db:migrate', { DATABASE_URL: production.url });
  expect(migrate.status, migrate.said).toBe(0);
  const seeded = await bash(
    `psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "insert into wa_sessions (id, phone, status) values ('shop', '5511987654321', 'open');
      insert into conversations (session_id, contact_jid, name) select 'shop', g || '@lid', 'Cliente ' || g from generate_series(1, 30) g;"`,
    { DATABASE_URL: production.url },
  );
  expect(seeded.status, seeded.said).toBe(0);
}, 60_000);
afterAll(async () => {
  await receiver?.close();
  for (const pg of dbs) await pg.drop().catch(() => undefined);
  rmSync(workspace, { recursive: true, force: true });
});

function bash(script: string, env: Record<string, string>) {
  return new Promise<{ status: number | null; said: string }>((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd: workspace, env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? workspace, ...env } });
    let said = '';
    child.stdout.on('data', (d) => (said += d));
    child.stderr.on('data', (d) => (said += d));
    child.on('close', (status) => resolve({ status, said }));
  });
}

/** The job as the runner would run it, with these secrets, stopping at the first failed step. */
async function runJob(secrets: Record<string, string>, options: { drillInto: string; between?: () => void }) {
  const outputs: Record<string, Record<string, string>> = {};
  const expand = (value: string) =>
    value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
      let m: RegExpMatchArray | null;
      if ((m = expr.match(/^secrets\.(\w+)$/))) return secrets[m[1]!] ?? '';
      if ((m = expr.match(/^secrets\.(\w+) != ''$/))) return String(Boolean(secrets[m[1]!]));
      if ((m = expr.match(/^steps\.(\w+)\.outputs\.(\w+)$/))) return outputs[m[1]!]?.[m[2]!] ?? '';
      if (expr === 'github.server_url') return 'https://github.com';
      if (expr === 'github.repository') return 'team/ia_agent';
      if (expr === 'github.run_id') return '4242';
      throw new Error(`the test does not know the expression ${expr}`);
    });
  const envOf = (env: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, expand(v) === SERVICE_URL ? options.drillInto : expand(v)]));
  const jobEnv = envOf(job.env);
  const ran: string[] = [];
  const said: Record<string, string> = {};
  let failed: string | undefined;
  for (const step of job.steps) {
    const name = step.name ?? step.run ?? step.uses ?? '';
    if (!step.run || step.run.startsWith('npm ci')) continue;
    // As GitHub does: after a failed step only `if: failure()` steps run; other conditions (the bucket's
    // variable) are false here.
    if (step.if === 'failure()' ? !failed : failed || step.if !== undefined) continue;
    if (step.id === undefined && /restore --/.test(step.run)) options.between?.();
    const outputFile = join(workspace, `output-${ran.length}`);
    writeFileSync(outputFile, '');
    const result = await bash(expand(step.run), { ...jobEnv, ...envOf(step.env), GITHUB_OUTPUT: outputFile });
    ran.push(name);
    said[name] = result.said;
    if (step.id) outputs[step.id] = Object.fromEntries(readFileSync(outputFile, 'utf8').split('\n').filter(Boolean).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
    if (result.status !== 0 && !failed) failed = `${name}: ${result.said}`;
  }
  return { ran, said, failed, outputs };
}

describe('backup.yml, its steps run as the runner runs them', () => {
  it('backs up production encrypted, then restores that file into the empty service database and verifies it', async () => {
    const drill = await database();
    const job = await runJob({ DATABASE_URL: production.url, BACKUP_KEY: 'a-team-key-of-some-length-0123456789' }, { drillInto: drill.url });
    expect(job.failed).toBeUndefined();
    expect(job.ran).toEqual(["Check the environment's secrets", 'Back up the production database, encrypted', expect.stringMatching(/^Restore drill/)]);
    const name = job.outputs.backup!.name!;
    expect(name).toMatch(/^ia_agent-\d{4}-\d\d-\d\dT\d{6}Z\.jsonl\.gz\.enc$/);
    expect(readFileSync(join(workspace, 'backups', name)).subarray(0, 25).toString()).toBe('ia_agent-backup-encrypted');
    const restored = await bash(`psql "$DATABASE_URL" -tAc 'select count(*) from conversations'`, { DATABASE_URL: drill.url });
    expect(restored.said.trim()).toBe('30');
    expect(job.said[job.ran[2]!]).toMatch(/Verified: every table's row count and checksum match the backup's\.\n$/);
    expect(alerts).toEqual([]);
  }, 60_000);

  it('fails without BACKUP_KEY before reading anything, and tells the team', async () => {
    const job = await runJob({ DATABASE_URL: production.url, ALERT_WEBHOOK_URL: `${receiver.url}/alert` }, { drillInto: (await database()).url });
    expect(job.failed).toMatch(/^Check the environment's secrets: ::error::BACKUP_KEY is not set in the production environment/);
    expect(job.ran).toEqual(["Check the environment's secrets", 'Tell the team']);
    expect(alerts.splice(0)).toEqual([{ text: expect.stringMatching(/^ia_agent: the daily backup or its restore drill failed: https:\/\/github\.com\/team\/ia_agent\/actions\/runs\/4242 \(runbook: /) }]);
  }, 60_000);

  it('fails the drill when the file changed after the backup, and tells the team', async () => {
    const corrupt = () => {
      const dir = join(workspace, 'backups');
      const newest = readdirSync(dir).sort().at(-1)!;
      const bytes = readFileSync(join(dir, newest));
      bytes[bytes.length - 40] = bytes[bytes.length - 40]! ^ 0x01;
      writeFileSync(join(dir, newest), bytes);
    };
    const drill = await database();
    const secrets = { DATABASE_URL: production.url, BACKUP_KEY: 'a-team-key-of-some-length-0123456789', ALERT_WEBHOOK_URL: `${receiver.url}/alert` };
    const job = await runJob(secrets, { drillInto: drill.url, between: corrupt });
    expect(job.failed).toMatch(/^Restore drill.*does not authenticate/s);
    expect(job.ran.at(-1)).toBe('Tell the team');
    expect(alerts.splice(0)).toHaveLength(1);
    const tables = await bash(`psql "$DATABASE_URL" -tAc "select count(*) from information_schema.tables where table_schema = 'public'"`, { DATABASE_URL: drill.url });
    expect(tables.said.trim()).toBe('0');
  }, 60_000);
});
