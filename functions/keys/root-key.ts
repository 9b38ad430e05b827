/**
 * The deployment's root key: `API_KEY` from the environment. It is compared with the presented key
 * right in the request, on every runtime, so no start-up step has to store it and no database round
 * trip is spent on it. It is not a row: it cannot be revoked through the API (rotate it by changing
 * the variable, docs/runbooks.md), and nothing stored keeps an old value working after a rotation.
 */
import { SCOPES } from './scopes.ts';

/** Its name in GET /v1/keys. Earlier versions stored it as a row under this name (see ensureAdminKey). */
export const ROOT_KEY_NAME = 'admin (API_KEY)';

export type RootKey = { id: string; name: string; prefix: string; scopes: string[] };

const encoder = new TextEncoder();
const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

/** One entry: a deployment has one API_KEY, and the cache must not keep old values around. */
let cached: { value: string; digest: Promise<Uint8Array>; id: Promise<string> } | undefined;

function derived(value: string) {
  if (cached?.value !== value) cached = { value, digest: sha256(value), id: rootKeyId(value) };
  return cached;
}

/**
 * A stable id derived from the key (domain-separated, so it tells nothing about the key): idempotency
 * records and rate-limit buckets are keyed on it, and deployments sharing one Redis with different
 * API_KEYs keep separate buckets. A rotation gives a new id, as a new key would have.
 */
async function rootKeyId(value: string): Promise<string> {
  const bytes = (await sha256(`ia_agent root key id\n${value}`)).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // UUID version 8: custom, derived
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The root key as the API shows it, or undefined when API_KEY is not set (local mode only). */
export async function rootKey(configured: string | undefined): Promise<RootKey | undefined> {
  if (!configured) return undefined;
  return { id: await derived(configured).id, name: ROOT_KEY_NAME, prefix: `${configured.slice(0, 10)}…`, scopes: [...SCOPES] };
}

/**
 * Whether the presented key is API_KEY, compared as SHA-256 digests in constant time: equal-length
 * inputs, every byte looked at, so the time taken says nothing about how much of the key was right.
 */
export async function isRootKey(presentedDigest: Uint8Array, configured: string | undefined): Promise<boolean> {
  if (!configured) return false;
  const expected = await derived(configured).digest;
  let difference = presentedDigest.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= (presentedDigest[i] ?? 0) ^ expected[i]!;
  return difference === 0;
}

export { sha256 };
