import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { apiKeys } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

/**
 * What a key may do. `agent:read` only reads the agent's settings; `agent:write` reads and changes them.
 * `keys:admin` manages keys, so it can mint any other scope: give it to people, not to integrations.
 * `usage:read` reads the upstream usage counts (GET /v1/usage), and no conversation: for dashboards.
 */
export const SCOPES = [
  'messages:write',
  'conversations:read',
  'conversations:write',
  'agent:read',
  'agent:write',
  'webhooks:write',
  'keys:admin',
  'usage:read',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Keys look like `iak_<43 chars>`: the prefix makes a leaked key recognisable to secret scanners. */
const KEY_PREFIX = 'iak_';
const KEY_SHAPE = /^iak_[A-Za-z0-9_-]{20,200}$/;

export async function hashKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const body = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${KEY_PREFIX}${body}`;
}

const displayPrefix = (key: string) => `${key.slice(0, 10)}…`;

/** Creates a key; the clear key is returned here once and never stored. */
export async function createApiKey(db: Db, input: { name: string; scopes: readonly Scope[]; key?: string }) {
  const key = input.key ?? newKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ name: input.name, prefix: displayPrefix(key), hash: await hashKey(key), scopes: [...new Set(input.scopes)] })
    .onConflictDoNothing({ target: apiKeys.hash })
    .returning();
  return { key, row };
}

/**
 * The admin key: API_KEY from the environment when given (stored hashed on first sight), otherwise
 * generated once on first start. Returns the clear key only when it was just generated.
 */
export async function ensureAdminKey(db: Db, fromEnv?: string): Promise<{ generated?: string; prefix: string }> {
  if (fromEnv) {
    await createApiKey(db, { name: 'admin (API_KEY)', scopes: SCOPES, key: fromEnv });
    return { prefix: displayPrefix(fromEnv) };
  }
  const [existing] = await db
    .select({ prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.name, 'admin'), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (existing) return { prefix: existing.prefix };
  const { key } = await createApiKey(db, { name: 'admin', scopes: SCOPES });
  return { generated: key, prefix: displayPrefix(key) };
}

export type AuthenticatedKey = { id: string; name: string; scopes: string[]; lastUsedAt: Date | null };

/**
 * Looks a presented key up by its hash. Anything not shaped like one of our keys is refused without a
 * database round trip. (API_KEY from the environment may have any shape, so it is looked up too.)
 */
export async function authenticateKey(db: Db, presented: string): Promise<AuthenticatedKey | 'unknown' | 'revoked'> {
  if (presented.length < 24 || presented.length > 256 || !/^[\x21-\x7e]+$/.test(presented)) return 'unknown';
  if (presented.startsWith(KEY_PREFIX) && !KEY_SHAPE.test(presented)) return 'unknown';
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.hash, await hashKey(presented)))
    .limit(1);
  if (!row) return 'unknown';
  if (row.revokedAt) return 'revoked';
  return { id: row.id, name: row.name, scopes: row.scopes, lastUsedAt: row.lastUsedAt };
}

/** Records use at most once a minute per key: a write per request would cost more than it tells. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export function needsTouch(key: AuthenticatedKey, now = Date.now()): boolean {
  return !key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}

export async function listApiKeys(db: Db) {
  return await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id))
    .limit(1000);
}

/**
 * Revokes a key at once (the next request with it gets 401). Revoking twice is fine. Refuses to revoke
 * the last usable `keys:admin` key, which would leave nobody able to manage keys.
 */
export async function revokeApiKey(db: Db, id: string): Promise<'revoked' | 'not_found' | 'last_admin'> {
  const [[target], [others]] = await db.batch([
    db.select({ scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, id)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(apiKeys)
      .where(and(ne(apiKeys.id, id), isNull(apiKeys.revokedAt), sql`'keys:admin' = any(${apiKeys.scopes})`)),
  ]);
  if (!target) return 'not_found';
  if (target.revokedAt) return 'revoked';
  if (target.scopes.includes('keys:admin') && (others?.n ?? 0) === 0) return 'last_admin';
  await db.update(apiKeys).set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` }).where(eq(apiKeys.id, id));
  return 'revoked';
}
