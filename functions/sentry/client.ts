/**
 * The functions' Sentry client, loaded on the first report: without SENTRY_DSN nothing of Sentry is
 * imported, so a Worker's start-up and a Vercel cold start pay nothing for it. Workers get
 * @sentry/cloudflare's client; Node and Vercel @sentry/core's server client (the same engine, without
 * @sentry/node's OpenTelemetry set-up, which a function that only reports errors does not need).
 */
import { COLLECT_NOTHING, scrubBreadcrumb, scrubEvent } from '../../shared/sentry-scrub.ts';

export type SentryReport = { error?: unknown; message?: string; tags: Record<string, string> };

export type SentryReporter = {
  capture(report: SentryReport): void;
  /** Resolves once what was captured is sent (or after `timeoutMs`). */
  flush(timeoutMs: number): Promise<boolean>;
};

const reporters = new Map<string, Promise<SentryReporter | undefined>>();

/** One client per isolate (or process) and DSN. A client that cannot load is said once and skipped. */
export function sentryReporter(dsn: string): Promise<SentryReporter | undefined> {
  let reporter = reporters.get(dsn);
  if (!reporter) {
    reporter = load(dsn).catch((err: unknown) => {
      console.error(`ia_agent: Sentry is not reporting: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    });
    reporters.set(dsn, reporter);
  }
  return reporter;
}

async function load(dsn: string): Promise<SentryReporter> {
  const onWorkers = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';
  const runtime = onWorkers ? await import('./workers-client.ts') : await import('./server-client.ts');
  const client = runtime.createClient({
    dsn,
    // Only what we capture by hand: no console, fetch or request-data integrations that could pick
    // up a customer's words on their way.
    integrations: [],
    dataCollection: COLLECT_NOTHING,
    beforeSend: scrubEvent,
    beforeBreadcrumb: scrubBreadcrumb,
  });
  client.init();
  const { Scope } = await import('@sentry/core');
  return {
    capture({ error, message, tags }) {
      const scope = new Scope();
      scope.setClient(client);
      scope.setTags(tags);
      if (error !== undefined) client.captureException(error, undefined, scope);
      else client.captureMessage(message ?? 'error', 'error', undefined, scope);
    },
    flush: async (timeoutMs) => await client.flush(timeoutMs),
  };
}

/** The options both runtimes' clients take from here; each adds its transport and stack parser. */
export type BaseClientOptions = {
  dsn: string;
  integrations: [];
  dataCollection: typeof COLLECT_NOTHING;
  beforeSend: typeof scrubEvent;
  beforeBreadcrumb: typeof scrubBreadcrumb;
};
