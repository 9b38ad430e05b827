/**
 * SENTRY_DSN on the socket-host (@sentry/node, imported only when the variable is set): unhandled
 * errors (uncaught exceptions and rejections, which still end the process as Node would) and what
 * the host logs as failed — error logs, and the outbox's and the send queue's failed attempts —
 * tagged with the component, the part of the host and the request id when there is one. Events pass
 * shared/sentry-scrub.ts, so no message text or phone number leaves.
 */
import type { Logger, LoggerOptions } from 'pino';
import { COLLECT_NOTHING, redactText, scrubBreadcrumb, scrubEvent } from '../shared/sentry-scrub.ts';

type NodeSentry = typeof import('@sentry/node');

let active: NodeSentry | undefined;

/** Warnings that mean a send or an event is not getting through (each is retried, and logged per try). */
const FAILED_ATTEMPTS = /^(outbox: |send queue: |send outcome )/;
/** The same failure is reported once a minute at most: a queue outage retries every few seconds. */
const REPEAT_AFTER_MS = 60_000;
const lastReported = new Map<string, number>();

/**
 * Starts @sentry/node for this process, once: the container's main.ts and `npm run dev`'s embedded
 * host (local/stack.ts) both call it, and a second call (a restarted host, another stack in the same
 * process) keeps the first client. The functions' Node side needs no init of its own: it reports
 * through its own client (functions/sentry/client.ts), which never touches the global one.
 */
export async function initSocketHostSentry(dsn: string | undefined, options: { catchUnhandled?: boolean } = {}): Promise<boolean> {
  if (!dsn) return false;
  if (active) return true;
  const Sentry = await import('@sentry/node');
  Sentry.init({
    dsn,
    dataCollection: COLLECT_NOTHING,
    // No automatic HTTP, console or database instrumentation: they would record URLs, arguments and
    // log lines carrying customers' words. Only what is captured below, and unhandled errors.
    defaultIntegrations: false,
    integrations:
      options.catchUnhandled === false
        ? []
        : [Sentry.onUncaughtExceptionIntegration(), Sentry.onUnhandledRejectionIntegration({ mode: 'strict' })],
    beforeSend: scrubEvent,
    beforeBreadcrumb: scrubBreadcrumb,
    initialScope: { tags: { component: 'socket-host' } },
  });
  active = Sentry;
  return true;
}

/** Whether this process reports to Sentry (initSocketHostSentry ran with a DSN, and no close since). */
export const socketHostSentryActive = (): boolean => active !== undefined;

/** Sends what is still queued (at most `timeoutMs`) and stops reporting. */
export async function closeSocketHostSentry(timeoutMs = 2000): Promise<void> {
  const sentry = active;
  active = undefined;
  lastReported.clear();
  await sentry?.close(timeoutMs);
}

/** pino's hooks for the host's root logger: every log line is written as before, failures also reported. */
export function sentryLogHooks(): NonNullable<LoggerOptions['hooks']> {
  return {
    logMethod(this: Logger, args, method, level) {
      method.apply(this, args);
      if (active) reportLogLine(active, this, args as unknown[], level);
    },
  };
}

function reportLogLine(sentry: NodeSentry, logger: Logger, args: unknown[], level: number): void {
  const [first, second] = args;
  const fields = typeof first === 'object' && first !== null ? (first as Record<string, unknown>) : {};
  const msg = typeof first === 'string' ? first : typeof second === 'string' ? second : '';
  const isError = level >= 50;
  if (!isError && !(level === 40 && FAILED_ATTEMPTS.test(msg))) return;

  const bindings = logger.bindings() as Record<string, unknown>;
  const part = typeof bindings.part === 'string' ? bindings.part : undefined;
  const key = `${part ?? ''}|${msg}`;
  const now = Date.now();
  if (now - (lastReported.get(key) ?? -Infinity) < REPEAT_AFTER_MS) return;
  lastReported.set(key, now);

  const tags: Record<string, string> = { kind: isError ? 'error' : 'failed_attempt' };
  if (part) tags.part = part;
  for (const name of ['requestId', 'session', 'path'] as const) {
    const value = fields[name] ?? bindings[name];
    if (typeof value === 'string') tags[name] = redactText(value);
  }
  sentry.withScope((scope) => {
    scope.setTags(tags);
    scope.setLevel(isError ? 'error' : 'warning');
    const err = fields.err;
    if (err instanceof Error) {
      sentry.captureException(err);
      return;
    }
    // The cause as the host logged it, redacted, beside a message that stays the same across
    // occurrences so that Sentry groups them.
    if (typeof err === 'string') scope.setContext('log', { error: redactText(err) });
    sentry.captureMessage(redactText(msg || 'socket-host error'));
  });
}
