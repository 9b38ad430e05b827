/**
 * Which socket-host a number's calls go to. One socket-host, or every replica behind one address:
 * SOCKET_HOST_URL. A pool of replicas, each reached at its own SOCKET_HOST_PUBLIC_URL: the replica
 * whose lease on the number is live, as wa_sessions records it (socket-host/lease.ts).
 *
 * The holder is looked up once per number and remembered for a few seconds per isolate, so a reply
 * costs no extra round trip in the steady state. A call that cannot reach the remembered holder, or
 * that it refuses as no longer its own (503), forgets it: the caller asks again at once.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import { waSessions } from '../../drizzle/schema.ts';
import type { Services } from '../services.ts';

/** Short next to the lease (WA_LEASE_SECONDS): a takeover is noticed by a failed call long before. */
const REMEMBER_MS = 10_000;

type Route = Pick<Services, 'db' | 'config'>;

/** Per database (tests run stacks side by side in one process) and number. */
const remembered = new Map<string, { url: string; until: number }>();
const keyOf = (s: Route, sessionId: string) => `${s.config.DATABASE_URL}\n${sessionId}`;

/** The number a socket-host call is about: `/sessions/{id}/…` paths and `/send` bodies; none for host-wide calls. */
export function sessionOfCall(path: string, body: unknown): string | undefined {
  const match = /^\/sessions\/([^/?]+)\//.exec(path);
  if (match) return decodeURIComponent(match[1]!);
  if (path === '/send') return (body as { sessionId?: string } | undefined)?.sessionId;
  return undefined;
}

export type HolderUrl = { url: string; fresh: boolean };

/** The base URL of the socket-host holding `sessionId`; `fresh` when just read from the table. */
export async function holderUrl(s: Route, sessionId: string): Promise<HolderUrl> {
  const key = keyOf(s, sessionId);
  const known = remembered.get(key);
  if (known && known.until > Date.now()) return { url: known.url, fresh: false };
  let rows: { url: string | null }[];
  try {
    rows = await s.db
      .select({ url: waSessions.leaseOwnerUrl })
      .from(waSessions)
      .where(and(eq(waSessions.id, sessionId), gt(waSessions.leaseExpiresAt, sql`now()`)));
  } catch {
    // The table cannot say: the configured address (one host, or the pool's front) may still answer.
    return { url: s.config.SOCKET_HOST_URL, fresh: true };
  }
  const url = rows[0]?.url ?? s.config.SOCKET_HOST_URL;
  remembered.set(key, { url, until: Date.now() + REMEMBER_MS });
  return { url, fresh: true };
}

/** The remembered holder failed the call: the next one reads the table again. */
export function forgetHolder(s: Route, sessionId: string): void {
  remembered.delete(keyOf(s, sessionId));
}
