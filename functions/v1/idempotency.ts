import { and, eq, sql } from 'drizzle-orm';
import { idempotencyKeys } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

/**
 * Idempotency-Key, per API key: the first request with a key records its answer; a retry with the same
 * key and the same body gets that answer again; the same key with another body is a conflict. Keys
 * live for 24 hours. A first request that died half-way (no answer after a minute) may be taken over:
 * the work it guards is itself idempotent (the message's WhatsApp id derives from the key).
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const TAKE_OVER_AFTER_MS = 60_000;
const IN_PROGRESS = 0;

export type Begin =
  | { kind: 'proceed' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in_progress' };

type Scope = { apiKeyId: string; key: string };

const where = (s: Scope) => and(eq(idempotencyKeys.apiKeyId, s.apiKeyId), eq(idempotencyKeys.key, s.key));

export async function beginIdempotent(db: Db, scope: Scope, requestHash: string, now = Date.now()): Promise<Begin> {
  const [inserted, [existing]] = await db.batch([
    db
      .insert(idempotencyKeys)
      .values({ ...scope, requestHash, status: IN_PROGRESS, response: {} })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key }),
    db.select().from(idempotencyKeys).where(where(scope)),
  ]);
  if (inserted.length > 0 || !existing) return { kind: 'proceed' };

  const age = now - existing.createdAt.getTime();
  const expired = age > IDEMPOTENCY_TTL_MS;
  const abandoned = existing.status === IN_PROGRESS && age > TAKE_OVER_AFTER_MS && existing.requestHash === requestHash;
  if (expired || abandoned) {
    // The age test again, in SQL: of two concurrent takers, only the first still sees an old row.
    const stale = expired
      ? sql`${idempotencyKeys.createdAt} < now() - ${`${IDEMPOTENCY_TTL_MS} milliseconds`}::interval`
      : and(eq(idempotencyKeys.status, IN_PROGRESS), sql`${idempotencyKeys.createdAt} < now() - ${`${TAKE_OVER_AFTER_MS} milliseconds`}::interval`);
    const taken = await db
      .update(idempotencyKeys)
      .set({ requestHash, status: IN_PROGRESS, response: {}, createdAt: sql`now()` })
      .where(and(where(scope), stale))
      .returning({ key: idempotencyKeys.key });
    return taken.length > 0 ? { kind: 'proceed' } : { kind: 'in_progress' };
  }
  if (existing.requestHash !== requestHash) return { kind: 'mismatch' };
  if (existing.status === IN_PROGRESS) return { kind: 'in_progress' };
  return { kind: 'replay', status: existing.status, body: existing.response };
}

export async function finishIdempotent(db: Db, scope: Scope, status: number, body: unknown): Promise<void> {
  await db.update(idempotencyKeys).set({ status, response: body }).where(where(scope));
}

/** The guarded work failed: forget the key so that a retry runs it again. */
export async function abandonIdempotent(db: Db, scope: Scope): Promise<void> {
  await db.delete(idempotencyKeys).where(and(where(scope), eq(idempotencyKeys.status, IN_PROGRESS)));
}

/** What makes two requests "the same": method, path and the body with its keys in a fixed order. */
export async function requestFingerprint(method: string, path: string, body: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${method} ${path}\n${canonicalJson(body)}`));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
