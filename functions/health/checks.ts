import { sql } from 'drizzle-orm';
import { callSocketHost } from '../outbound/socket-host-client.ts';
import type { Services } from '../services.ts';
import { listOpenAlerts } from '../alerts/state.ts';

export type Check = { ok: boolean; latencyMs: number; error?: string } & Record<string, unknown>;
export type WhatsAppSession = { id: string; status: string; linked?: boolean; phone?: string | null; reason?: string | null };

const TIMEOUT_MS = 4000;

/** Runs one probe with a deadline and measures it; a failure becomes a sentence, never a stack. */
async function probe(run: () => Promise<Record<string, unknown> | void>): Promise<Check> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    const extra = await Promise.race([run(), deadline]);
    return { ok: true, latencyMs: elapsed(started), ...(extra ?? {}) };
  } catch (err) {
    return { ok: false, latencyMs: elapsed(started), error: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (since: number) => Math.round((performance.now() - since) * 10) / 10;
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

/**
 * Every component the functions depend on, probed in parallel. `details`: ask the socket-host for the
 * linked numbers and their reasons too (its signed /health/details); only an admin key sees them.
 */
export async function runChecks(s: Services, options: { details?: boolean } = {}) {
  const [database, redis, queue, socketHost] = await Promise.all([
    probe(async () => {
      await s.db.execute(sql`select 1`);
    }),
    probe(async () => {
      await s.redis.ping();
    }),
    probe(async () => {
      await s.qstash.dlq.listMessages({ count: 1 });
    }),
    checkSocketHost(s, { outbox: true, details: options.details }),
  ]);
  // The details also list the alert conditions holding now (functions/alerts); ok is whether they could be read.
  if (options.details) return { database, redis, queue, socketHost, alerts: await probe(async () => ({ open: await listOpenAlerts(s) })) };
  return { database, redis, queue, socketHost };
}

/**
 * The socket-host process and the link state of each number it holds: its public /health (states
 * only), or its signed /health/details (phone numbers and reasons as well).
 */
export function checkSocketHost(s: Services, options: { outbox?: boolean; details?: boolean } = {}): Promise<Check> {
  return probe(async () => {
    const path = `${options.details ? '/health/details' : '/health'}${options.outbox ? '?outbox=1' : ''}`;
    const res = options.details
      ? await callSocketHost(s, path, undefined, TIMEOUT_MS)
      : await fetch(new URL(path, s.config.SOCKET_HOST_URL), { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`socket-host answered ${res.status}`);
    const body = (await res.json()) as { sessions?: WhatsAppSession[]; outbox?: { pending: number | null } };
    return { sessions: body.sessions ?? [], ...(body.outbox ? { outboxPending: body.outbox.pending } : {}) };
  });
}
