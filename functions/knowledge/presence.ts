import { sql } from 'drizzle-orm';
import type { Db } from '../../shared/db.ts';

/**
 * What the knowledge base holds, in outline: which numbers have passages of their own (null: the
 * shared documents) and whether any passage has a vector. Most teams have no knowledge base, and then
 * a reply's search would cost a database round trip to find nothing, and, with AI_EMBEDDING_MODEL set,
 * an embeddings call (its latency and its free-tier allowance) to compare the question with nothing.
 *
 * Kept per isolate for 15 s, one small query then; an upload or a delete in this isolate forgets it at
 * once. Another isolate may find a first document up to 15 s late, and meanwhile answers without it
 * (or, for a first vector, ranks it by its words only).
 */
const TTL_MS = 15_000;
type Presence = { scopes: Set<string | null>; vectors: boolean };
const cache = new WeakMap<Db, { at: number; value: Presence }>();

async function presence(db: Db): Promise<Presence> {
  const hit = cache.get(db);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
  // One row per number with passages (and one for the shared documents): a handful of rows.
  const result = await db.execute<{ session_id: string | null; vectors: boolean }>(sql`
    select d.session_id, bool_or(p.embedding is not null) as vectors
    from knowledge_documents d join knowledge_passages p on p.document_id = d.id
    group by d.session_id`);
  const value = { scopes: new Set(result.rows.map((r) => r.session_id)), vectors: result.rows.some((r) => r.vectors) };
  cache.set(db, { at: Date.now(), value });
  return value;
}

/** Whether a search in `sessionId`'s scope (the shared documents, and that number's own) has any passage. */
export async function hasPassages(db: Db, sessionId: string | null): Promise<boolean> {
  const { scopes } = await presence(db);
  return scopes.has(null) || (sessionId !== null && scopes.has(sessionId));
}

/** Whether any passage has a vector, so that a search asks for the question's vector only then. */
export async function hasVectors(db: Db): Promise<boolean> {
  return (await presence(db)).vectors;
}

/** The knowledge base changed in this isolate: ask again on the next search. */
export function forgetKnowledge(db: Db): void {
  cache.delete(db);
}
