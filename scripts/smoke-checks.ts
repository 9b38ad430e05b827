import { signQStashJwt } from '../shared/qstash-jwt.ts';

/**
 * What `npm run smoke` checks of a deployment, in order: that it answers its health with every
 * component up, that the API takes the key, and that a request signed as QStash signs it gets through
 * the hooks' signature check (the deployment's signing keys and PUBLIC_URL agree with the queue's).
 */
export const CHECKS = ['health', 'api', 'hook'] as const;
export type CheckName = (typeof CHECKS)[number];

export interface SmokeOptions {
  /** The deployment's base URL, e.g. https://ia-agent-functions.example.workers.dev */
  url: string;
  /** The URL the hook signature names: the deployment's PUBLIC_URL (the same as `url` unless a preview). */
  publicUrl: string;
  apiKey?: string;
  signingKey?: string;
  skip: CheckName[];
  timeoutMs: number;
}

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  /** What was seen, one short phrase. */
  detail: string;
  /** What to do about a failure, a sentence. */
  fix?: string;
  ms: number;
}

type Outcome = Omit<CheckResult, 'name' | 'ms'>;

export async function runSmoke(options: SmokeOptions): Promise<CheckResult[]> {
  const base = options.url.replace(/\/+$/, '');
  const steps: Record<CheckName, () => Promise<Outcome>> = {
    health: () => checkHealth(base, options),
    api: () => checkApi(base, options),
    hook: () => checkHook(base, options),
  };
  const results: CheckResult[] = [];
  for (const name of CHECKS) {
    if (options.skip.includes(name)) continue;
    const started = performance.now();
    const outcome = await steps[name]().catch((error: unknown) => unreachable(base, error));
    results.push({ name, ...outcome, ms: Math.round(performance.now() - started) });
  }
  return results;
}

async function checkHealth(base: string, options: SmokeOptions): Promise<Outcome> {
  const res = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(options.timeoutMs) });
  const body = (await res.json().catch(() => undefined)) as { status?: string; failing?: string[] } | undefined;
  if (res.status === 200 && body?.status === 'ok') return { ok: true, detail: '200, every component ok' };
  if (body?.status === 'degraded') {
    const failing = body.failing?.join(', ') || 'a component';
    return {
      ok: false,
      detail: `${res.status}, failing: ${failing}`,
      fix: `The deployment cannot reach ${failing}: check its variables for it, then docs/runbooks.md "Messages are not answered".`,
    };
  }
  return { ok: false, detail: `${res.status} without a health answer`, fix: `${base}/api/health is not the functions' health: check the URL and the deploy's logs.` };
}

async function checkApi(base: string, options: SmokeOptions): Promise<Outcome> {
  if (!options.apiKey) {
    return { ok: false, detail: 'no key', fix: 'Set SMOKE_API_KEY (or API_KEY) to a key of the deployment with usage:read, or pass --skip api.' };
  }
  const res = await fetch(`${base}/v1/usage?days=1`, {
    headers: { authorization: `Bearer ${options.apiKey}` },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  if (res.status === 200) return { ok: true, detail: '200 GET /v1/usage' };
  const code = ((await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined)?.error?.code;
  const fix =
    res.status === 401
      ? 'The deployment refused the key: SMOKE_API_KEY must be its API_KEY or a key made through its /v1/keys.'
      : res.status === 403
        ? 'The key lacks usage:read: use the admin key or one with that scope.'
        : 'The API failed: read the deploy’s logs (Workers: npx wrangler tail) for this request.';
  return { ok: false, detail: `${res.status}${code ? ` ${code}` : ''} GET /v1/usage`, fix };
}

async function checkHook(base: string, options: SmokeOptions): Promise<Outcome> {
  if (!options.signingKey) {
    return { ok: false, detail: 'no signing key', fix: 'Set QSTASH_CURRENT_SIGNING_KEY to the deployment’s (Upstash console → QStash), or pass --skip hook.' };
  }
  const body = JSON.stringify({ smoke: true });
  const signedFor = `${options.publicUrl.replace(/\/+$/, '')}/hooks/ping`;
  const signature = await signQStashJwt({ signingKey: options.signingKey, url: signedFor, body: new TextEncoder().encode(body) });
  const res = await fetch(`${base}/hooks/ping`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'upstash-signature': signature },
    body,
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  const answer = (await res.json().catch(() => undefined)) as { outcome?: string } | undefined;
  if (res.status === 200 && answer?.outcome === 'pong') return { ok: true, detail: '200 signed POST /hooks/ping' };
  const fix =
    res.status === 401
      ? `The deployment refused QStash's signature: its QSTASH_CURRENT_SIGNING_KEY must be the one set here, and its PUBLIC_URL must be ${options.publicUrl} (or pass --public-url with the deployment's PUBLIC_URL).`
      : res.status === 404
        ? 'The deployment has no /hooks/ping: it runs a version older than this checkout.'
        : 'The hooks failed: read the deploy’s logs (Workers: npx wrangler tail) for this request.';
  return { ok: false, detail: `${res.status} signed POST /hooks/ping`, fix };
}

function unreachable(base: string, error: unknown): Outcome {
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  return { ok: false, detail: `no answer (${cause})`, fix: `Nothing answers at ${base}: check the URL and that the deployment is up.` };
}

/** One line per check: ✓/✗, its name, what was seen, the time it took. */
export function formatResult(r: CheckResult): string {
  return `${r.ok ? '✓' : '✗'} ${r.name.padEnd(6)} ${r.detail} (${r.ms} ms)`;
}
