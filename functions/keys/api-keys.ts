import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import { apiKeys } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';
import { isRootKey, ROOT_KEY_NAME, rootKey, sha256 } from './root-key.ts';
import { SCOPES, type Scope } from './scopes.ts';

export { SCOPES, type Scope };

/** Keys look like `iak_<43 chars>`: the prefix makes a leaked key recognisable to secret scanners. */
const KEY_PREFIX = 'iak_';
const KEY_SHAPE = /^iak_[A-Za-z0-9_-]{20,200}$/;

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

export async function hashKey(key: string): Promise<string> {
  return hex(await sha256(key));
}

function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const body = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${KEY_PREFIX}${body}`;
}

const displayPrefix = (key: string) => `${key.slice(0, 10)}…`;

/** Creates a key; the clear key is returned here once and never stored. */
export async function createApiKey(db: Db, input: { name: string; scopes: readonly Scope[] }) {
  const key = newKey();
  const [row] = await db
    .insert(apiKeys)
    .values({ name: input.name, prefix: displayPrefix(key), hash: await hashKey(key), scopes: [...new Set(input.scopes)] })
    .onConflictDoNothing({ target: apiKeys.hash })
    .returning();
  return { key, row };
}

/**
 * The admin key at start of the local stack. API_KEY, when given, is never stored: it authenticates
 * from the environment (root-key.ts). Without it, one `admin` key is generated on first start and
 * stored hashed; the clear key is returned only when it was just generated.
 */
export async function ensureAdminKey(db: Db, fromEnv?: string): Promise<{ generated?: string; prefix: string; source: KeySource }> {
  // Earlier versions stored API_KEY as a row: left there, it would keep an old API_KEY working after
  // a rotation, and appear twice in GET /v1/keys.
  await db.delete(apiKeys).where(eq(apiKeys.name, ROOT_KEY_NAME));
  if (fromEnv) return { prefix: displayPrefix(fromEnv), source: 'environment' };
  const [existing] = await db
    .select({ prefix: apiKeys.prefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.name, 'admin'), isNull(apiKeys.revokedAt)))
    .limit(1);
  if (existing) return { prefix: existing.prefix, source: 'api' };
  const { key } = await createApiKey(db, { name: 'admin', scopes: SCOPES });
  return { generated: key, prefix: displayPrefix(key), source: 'api' };
}

/** `environment`: the deployment's API_KEY (not stored); `api`: created through POST /v1/keys or at first start. */
export type KeySource = 'environment' | 'api';

export type AuthenticatedKey = { id: string; name: string; scopes: string[]; lastUsedAt: Date | null; source: KeySource };

/**
 * Authenticates a presented key: API_KEY from the environment first, compared in constant time with no
 * round trip; otherwise a lookup by hash. Anything not shaped like a key is refused without either.
 */
export async function authenticateKey(
  db: Db,
  presented: string,
  configuredRoot: string | undefined,
): Promise<AuthenticatedKey | 'unknown' | 'revoked'> {
  if (presented.length < 24 || presented.length > 256 || !/^[\x21-\x7e]+$/.test(presented)) return 'unknown';
  const digest = await sha256(presented);
  if (await isRootKey(digest, configuredRoot)) {
    const root = (await rootKey(configuredRoot))!;
    return { id: root.id, name: root.name, scopes: root.scopes, lastUsedAt: null, source: 'environment' };
  }
  // API_KEY may have any shape; every stored key has ours.
  if (!KEY_SHAPE.test(presented)) return 'unknown';
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.hash, hex(digest)))
    .limit(1);
  if (!row) return 'unknown';
  if (row.revokedAt) return 'revoked';
  return { id: row.id, name: row.name, scopes: row.scopes, lastUsedAt: row.lastUsedAt, source: 'api' };
}

/** Records use at most once a minute per key: a write per request would cost more than it tells. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The root key has no row to record its use in. */
export function needsTouch(key: AuthenticatedKey, now = Date.now()): boolean {
  if (key.source === 'environment') return false;
  return !key.lastUsedAt || now - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, id));
}

export type ListedKey = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  source: KeySource;
  /** null for the root key: it is not stored, so neither its creation nor its use is recorded. */
  createdAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

/** Every key: the root key first when API_KEY is set, then the stored ones, oldest first. */
export async function listApiKeys(db: Db, configuredRoot: string | undefined): Promise<ListedKey[]> {
  const root = await rootKey(configuredRoot);
  const stored = await db
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
  const listed: ListedKey[] = stored.map((row) => ({ ...row, source: 'api' }));
  return root ? [{ ...root, source: 'environment', createdAt: null, lastUsedAt: null, revokedAt: null }, ...listed] : listed;
}

/**
 * Revokes a key at once (the next request with it gets 401). Revoking twice is fine. Refuses the root
 * key (API_KEY: rotated by changing the variable, never revoked), and, without a root key, the last
 * usable `keys:admin` key, which would leave nobody able to manage keys.
 */
export async function revokeApiKey(
  db: Db,
  id: string,
  configuredRoot: string | undefined,
): Promise<'revoked' | 'not_found' | 'last_admin' | 'root'> {
  const root = await rootKey(configuredRoot);
  if (root?.id === id) return 'root';
  const [[target], [others]] = await db.batch([
    db.select({ scopes: apiKeys.scopes, revokedAt: apiKeys.revokedAt }).from(apiKeys).where(eq(apiKeys.id, id)),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(apiKeys)
      .where(and(ne(apiKeys.id, id), isNull(apiKeys.revokedAt), sql`'keys:admin' = any(${apiKeys.scopes})`)),
  ]);
  if (!target) return 'not_found';
  if (target.revokedAt) return 'revoked';
  if (!root && target.scopes.includes('keys:admin') && (others?.n ?? 0) === 0) return 'last_admin';
  await db.update(apiKeys).set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` }).where(eq(apiKeys.id, id));
  return 'revoked';
}
