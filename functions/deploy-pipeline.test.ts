/**
 * The delivery pipeline's promises, read from the workflows as GitHub reads them: a branch never
 * reaches the production database, every deploy waits for the tests, staging goes before production,
 * and each deploy ends with the smoke check.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const DEFAULT_BRANCH = 'main';
/** Secrets that open the production database: only a job bound to `production`, on main, may name them. */
const PRODUCTION_DB_SECRETS = ['DATABASE_URL', 'DATABASE_HTTP_URL'];

interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string | { name: string };
  secrets?: unknown;
  steps?: { run?: string; uses?: string; if?: string; id?: string; env?: Record<string, string> }[];
  [key: string]: unknown;
}
interface Workflow {
  on: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflowFiles = readdirSync('.github/workflows').filter((f) => f.endsWith('.yml'));
const load = (file: string) => parse(readFileSync(join('.github/workflows', file), 'utf8')) as Workflow;

function triggers(workflow: Workflow): Record<string, { branches?: string[] } | null> {
  const on = workflow.on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((t: string) => [t, null]));
  return on as Record<string, { branches?: string[] } | null>;
}

const namesSecret = (text: string, name: string) =>
  new RegExp(`secrets\\s*(\\.\\s*${name}\\b|\\[\\s*['"]${name}['"]\\s*\\])`).test(text);

/** The conditions an `if:` requires all at once; anything with `||` or `!` guarantees nothing. */
function requiredConditions(condition: string | undefined): string[] | undefined {
  if (!condition) return [];
  const bare = condition.replace(/^\s*\$\{\{|\}\}\s*$/g, '');
  if (/\|\||!(?!=)/.test(bare)) return undefined;
  return bare.split('&&').map((c) => c.replace(/[\s()]/g, '').replaceAll('"', "'"));
}

const environmentOf = (job: Job) => (typeof job.environment === 'string' ? job.environment : job.environment?.name);

/** Why this job may reach the production database from a branch other than main, or undefined if it cannot. */
function productionDbLeak(workflow: Workflow, jobId: string): string | undefined {
  const job = workflow.jobs[jobId]!;
  const text = JSON.stringify({ env: workflow.env ?? {}, job });
  const names = PRODUCTION_DB_SECRETS.filter((name) => namesSecret(text, name));
  if (job.secrets === 'inherit') names.push('every secret (secrets: inherit)');
  if (!names.length) return undefined;
  if (environmentOf(job) !== 'production') return `names ${names.join(', ')} without being bound to the production environment`;

  const on = triggers(workflow);
  // These run the default branch's workflow with github.ref on it whatever code they act on: a ref guard proves nothing.
  const refLies = ['workflow_run', 'pull_request_target'].filter((t) => t in on);
  const onlyMain = Object.entries(on).every(
    ([event, filter]) => event === 'schedule' || (event === 'push' && JSON.stringify(filter?.branches) === JSON.stringify([DEFAULT_BRANCH])),
  );
  if (onlyMain) return undefined;
  const conditions = requiredConditions(job.if);
  if (!conditions) return `names ${names.join(', ')} under an if: that can be true off ${DEFAULT_BRANCH} (|| or !)`;
  const refGuard = conditions.some((c) => c === `github.ref=='refs/heads/${DEFAULT_BRANCH}'` || c === `github.ref_name=='${DEFAULT_BRANCH}'`);
  if (!refGuard) return `names ${names.join(', ')} and can run on any branch (no github.ref == 'refs/heads/${DEFAULT_BRANCH}' guard)`;
  const eventGuard = conditions.some((c) => /^github\.event_name=='(push|schedule|workflow_dispatch)'$/.test(c));
  if (refLies.length && !eventGuard) return `names ${names.join(', ')} on ${refLies.join(', ')}, where github.ref is always ${DEFAULT_BRANCH}`;
  return undefined;
}

const needsOf = (job: Job) => (job.needs === undefined ? [] : typeof job.needs === 'string' ? [job.needs] : job.needs);
function allNeeds(workflow: Workflow, jobId: string): Set<string> {
  const seen = new Set<string>();
  const visit = (id: string) => needsOf(workflow.jobs[id]!).forEach((n) => (seen.has(n) ? undefined : (seen.add(n), visit(n))));
  visit(jobId);
  return seen;
}

describe('no job that can run off main reaches the production database', () => {
  const jobs = workflowFiles.flatMap((file) => Object.keys(load(file).jobs).map((jobId) => [file, jobId] as const));
  it.each(jobs)('%s: %s', (file, jobId) => {
    expect(productionDbLeak(load(file), jobId)).toBeUndefined();
  });

  // The check itself: each of these is how a branch has reached (or could reach) production's database.
  const wf = (yaml: string) => parse(yaml) as Workflow;
  const leaks: [string, string][] = [
    ['a deploy on every push, falling back to the production URL (this project before issue 12)', `
on: { push: {} }
jobs: { deploy: { runs-on: x, steps: [ { run: migrate, env: { DATABASE_URL: "\${{ steps.neon.outputs.db_url || secrets.DATABASE_URL }}" } } ] } }`],
    ['bound to production but without a branch guard', `
on: { push: {} }
jobs: { deploy: { runs-on: x, environment: production, steps: [ { run: migrate, env: { DATABASE_URL: "\${{ secrets.DATABASE_URL }}" } } ] } }`],
    ['guarded but not bound to production', `
on: { push: {} }
jobs: { deploy: { runs-on: x, if: "github.ref == 'refs/heads/main'", steps: [ { run: migrate, env: { DATABASE_URL: "\${{ secrets.DATABASE_URL }}" } } ] } }`],
    ['a guard that || opens', `
on: { push: {}, workflow_dispatch: {} }
jobs: { deploy: { runs-on: x, environment: { name: production }, if: "github.ref == 'refs/heads/main' || github.event_name == 'workflow_dispatch'", steps: [ { run: "echo \${{ secrets.DATABASE_URL }}" } ] } }`],
    ['a ref guard on workflow_run, where github.ref is always main', `
on: { workflow_run: { workflows: [ci], types: [completed] } }
jobs: { deploy: { runs-on: x, environment: production, if: "github.ref == 'refs/heads/main'", steps: [ { run: "echo \${{ secrets['DATABASE_URL'] }}" } ] } }`],
    ['the secret in the workflow-wide env', `
on: { pull_request: {} }
env: { DATABASE_URL: "\${{ secrets.DATABASE_URL }}" }
jobs: { test: { runs-on: x, steps: [ { run: npm test } ] } }`],
    ['every secret handed to a reusable workflow', `
on: { push: {} }
jobs: { deploy: { uses: ./.github/workflows/deploy.yml, secrets: inherit } }`],
  ];
  it.each(leaks)('is caught: %s', (_name, yaml) => {
    const workflow = wf(yaml);
    expect(Object.keys(workflow.jobs).map((id) => productionDbLeak(workflow, id)).filter(Boolean)).toHaveLength(1);
  });

  it('while a production job on main only, or a push filtered to main, is let through', () => {
    const guarded = wf(`
on: { push: {}, pull_request: {} }
jobs: { deploy: { runs-on: x, environment: { name: production }, if: "github.event_name == 'push' && github.ref == 'refs/heads/main'", steps: [ { run: "echo \${{ secrets.DATABASE_URL }}" } ] } }`);
    expect(productionDbLeak(guarded, 'deploy')).toBeUndefined();
    const filtered = wf(`
on: { push: { branches: [main] }, schedule: [ { cron: "0 3 * * *" } ] }
jobs: { backup: { runs-on: x, environment: production, steps: [ { run: "echo \${{ secrets.DATABASE_URL }}" } ] } }`);
    expect(productionDbLeak(filtered, 'backup')).toBeUndefined();
  });
});

describe('the delivery pipeline (ci.yml)', () => {
  const ci = load('ci.yml');

  it('deploys only after the tests, staging before production', () => {
    for (const id of ['preview', 'staging', 'production']) expect(allNeeds(ci, id), id).toContain('test');
    expect(allNeeds(ci, 'production')).toContain('staging');
    expect(environmentOf(ci.jobs.staging!)).toBe('staging');
    expect(environmentOf(ci.jobs.production!)).toBe('production');
    // No other workflow deploys behind the tests' back.
    const deploys = workflowFiles.filter((f) => /wrangler (deploy|versions upload)|railway(\/cli@\S+)? up/.test(readFileSync(join('.github/workflows', f), 'utf8')));
    expect(deploys).toEqual(['ci.yml']);
  });

  it('gives a branch a Neon branch of its own or no deployment at all', () => {
    const preview = JSON.stringify(ci.jobs.preview);
    expect(preview).toContain('neondatabase/create-branch-action');
    const upload = ci.jobs.preview!.steps!.find((s) => s.run?.includes('wrangler versions upload'))!;
    expect(upload.if).toBe("steps.neon.outputs.db_url != ''");
    expect(upload.run).toContain('--var "DATABASE_URL:$BRANCH_DB"');
    // A preview of the staging Worker, so it never runs with production's secrets either.
    expect(upload.run).toContain('--name "$STAGING_WORKER"');
  });

  it('ends every deploy with the smoke check, and rolls production back when it fails', () => {
    for (const id of ['preview', 'staging', 'production']) {
      const steps = ci.jobs[id]!.steps!;
      const smoke = steps.findIndex((s) => s.run?.startsWith('npm run smoke -- '));
      const lastDeploy = steps.findLastIndex((s) => /wrangler (deploy|versions upload)|railway\/cli@\S+ up/.test(s.run ?? ''));
      expect(smoke, id).toBeGreaterThan(lastDeploy);
    }
    const rollback = ci.jobs.production!.steps!.at(-1)!;
    expect(rollback.run).toMatch(/^npx wrangler rollback /);
    expect(rollback.if).toContain("steps.smoke.outcome == 'failure'");
    expect(rollback.if).toContain("steps.deploy.outcome == 'success'");
  });

  it('keeps a rollback possible: no migration drops or renames what the previous version reads', () => {
    const dir = 'drizzle/migrations';
    const destructive = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .filter((f) => /\b(drop\s+(table|column)|rename\s+(to|column))\b/i.test(readFileSync(join(dir, f), 'utf8')));
    expect(destructive).toEqual([]);
  });
});

describe('the daily backup (backup.yml)', () => {
  const backup = load('backup.yml');
  const job = backup.jobs.backup!;
  const step = (pattern: RegExp) => job.steps!.findIndex((s) => pattern.test(s.run ?? ''));

  it('passes the validator', async () => {
    const run = promisify(execFile)('npx', ['action-validator', '.github/workflows/backup.yml']);
    await expect(run).resolves.toBeDefined();
  });

  it('runs on a schedule and by hand only, on main only, bound to production', () => {
    expect(Object.keys(triggers(backup)).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(Object.keys(backup.jobs)).toEqual(['backup']);
    expect(environmentOf(job)).toBe('production');
    // workflow_dispatch lets anyone with write access pick a branch: the job must refuse all but main.
    expect(requiredConditions(job.if)).toContain(`github.ref=='refs/heads/${DEFAULT_BRANCH}'`);
  });

  it('keeps the production database out of reach of any other branch, and the check would see it', () => {
    expect(namesSecret(JSON.stringify(job), 'DATABASE_URL')).toBe(true);
    expect(productionDbLeak(backup, 'backup')).toBeUndefined();
    const unguarded = structuredClone(backup);
    delete unguarded.jobs.backup!.if;
    expect(productionDbLeak(unguarded, 'backup')).toMatch(/can run on any branch/);
    const onPush = { ...structuredClone(backup), on: { push: {}, schedule: [{ cron: '17 3 * * *' }] } };
    delete onPush.jobs.backup!.if;
    expect(productionDbLeak(onPush, 'backup')).toMatch(/can run on any branch/);
  });

  it('encrypts before anything leaves the runner, keeps it for a set time, then drills a restore of that very file', () => {
    const made = step(/^npm run backup -- --out "backups\/\$name" --encrypt$/m);
    const upload = job.steps!.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const bucket = step(/aws s3 cp "backups\/\$NAME"/);
    const drill = step(/^npm run restore -- "backups\/\$NAME" --verify$/);
    expect(made).toBeGreaterThan(-1);
    expect([made < upload, upload < drill, made < bucket, bucket < drill]).toEqual([true, true, true, true]);
    expect(job.steps![made]!.env!.DATABASE_URL).toBe('${{ secrets.DATABASE_URL }}');
    expect((job.env as Record<string, string>).BACKUP_KEY).toBe('${{ secrets.BACKUP_KEY }}');
    const uploadWith = (job.steps![upload] as { with: Record<string, unknown> }).with;
    expect(uploadWith.path).toBe('backups/${{ steps.backup.outputs.name }}');
    expect(String(uploadWith['retention-days'])).toMatch(/\d/);
    // The drill restores into the job's own empty service database, never a secret's.
    expect(job.steps![drill]!.env!.DATABASE_URL).toBe('postgres://postgres@localhost:5432/postgres');
    expect(Object.keys(job.services as object)).toEqual(['postgres']);
    // No step runs after a failure but the one that tells the team.
    expect(job.steps!.filter((s) => s.if?.includes('failure()')).map((s) => s.run)).toEqual([expect.stringContaining('$ALERT_WEBHOOK_URL')]);
  });
});
