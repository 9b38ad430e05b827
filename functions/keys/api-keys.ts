import { and, eq, isNull } from 'drizzle-orm';
import { apiKeys } from '../../drizzle/schema.ts';
import type { Db } from '../../shared/db.ts';

export const SCOPES = [
  'messages:write',
  'conversations:read',
  'conversations:write',
  'agent:write',
  'webhooks:write',
  'keys:admin',
] as const;
export type Scope = (typeof SCOPES)[number];

/** Keys look like `iak_live_<43 chars>`: the prefix makes a leaked key recognisable to secret scanners. */
const KEY_PREFIX = 'iak_';

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
    .values({ name: input.name, prefix: displayPrefix(key), hash: await hashKey(key), scopes: [...input.scopes] })
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
