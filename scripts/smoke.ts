/**
 * `npm run smoke -- <url> [--public-url URL] [--skip api,hook]`: checks a deployment after it went
 * live (health, the API with a key, a QStash-signed hook). The key comes from SMOKE_API_KEY (or
 * API_KEY), the signing key from QSTASH_CURRENT_SIGNING_KEY, so no secret is on the command line.
 * Exits 1 when a check fails, saying what to do; 2 when it was called wrongly.
 */
import { parseArgs } from 'node:util';
import { CHECKS, formatResult, runSmoke, type CheckName } from './smoke-checks.ts';

const USAGE = 'Usage: npm run smoke -- <url> [--public-url URL] [--skip api,hook] (SMOKE_API_KEY, QSTASH_CURRENT_SIGNING_KEY)';

function usage(problem: string): never {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: { 'public-url': { type: 'string' }, skip: { type: 'string', default: '' }, timeout: { type: 'string', default: '15000' } },
  });
} catch (error) {
  usage((error as Error).message);
}
const [url] = parsed.positionals;
if (!url || !/^https?:\/\//.test(url)) usage('Give the deployment’s URL, starting with http:// or https://.');
const skip = parsed.values.skip.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = skip.filter((s) => !(CHECKS as readonly string[]).includes(s));
if (unknown.length) usage(`--skip takes ${CHECKS.join(', ')}; not ${unknown.join(', ')}.`);

const results = await runSmoke({
  url,
  publicUrl: parsed.values['public-url'] ?? url,
  apiKey: process.env.SMOKE_API_KEY || process.env.API_KEY || undefined,
  signingKey: process.env.QSTASH_CURRENT_SIGNING_KEY || undefined,
  skip: skip as CheckName[],
  timeoutMs: Number(parsed.values.timeout),
});
for (const result of results) console.log(formatResult(result));
for (const name of skip) console.log(`- ${name.padEnd(6)} skipped (--skip)`);
const failed = results.filter((r) => !r.ok);
if (failed.length) {
  console.error(`\nSmoke check failed (${failed.map((r) => r.name).join(', ')}) for ${url}.`);
  for (const r of failed) console.error(`${r.name}: ${r.fix}`);
  console.error('If this deploy broke it, roll back: docs/runbooks.md "Deploy and rollback".');
  process.exit(1);
}
console.log(`Smoke check passed for ${url}.`);
