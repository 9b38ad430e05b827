import { sql } from 'drizzle-orm';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';
import type { Db } from '../../shared/db.ts';
import { customerWords } from './customer-words.ts';
import { embeddingsEnabled, embedTexts } from './embeddings.ts';
import { hasPassages, hasVectors } from './presence.ts';

export type KnowledgeHit = { documentId: string; title: string; text: string; score: number };

/**
 * A typo is taken for a word of a passage when their trigrams are this similar: "etrega" and
 * "entregamos" share 3 of 7 (0.43). A short word has few trigrams, and two in common with an
 * unrelated word ("casa" and "cartao": 0.4) is chance, so up to five letters it takes half of them.
 */
const TYPO_SIMILARITY = 0.4;
const SHORT_TYPO_SIMILARITY = 0.5;
/** A typo's match counts for less than the word itself: it may be another word. */
const TYPO_WEIGHT = 0.6;
/** Reciprocal rank fusion's constant: the usual 60 (Cormack et al.), so neither ranking dominates. */
const RRF_K = 60;

/**
 * The passages that best answer a customer's question, best first: what GET /v1/knowledge/search
 * shows and what the agent is given. Searched among the shared documents and, with `sessionId`, that
 * number's own. One database round trip (plus one call to the embeddings endpoint with
 * AI_EMBEDDING_MODEL set, skipped while no passage has a vector), none while there is no passage to
 * search (see presence.ts): most teams have no knowledge base, and their replies skip the search.
 *
 * Lexical ranking, which needs no model: each of the question's words (shorthand written out, see
 * customer-words.ts) matches a passage when its Portuguese or English stem is in the passage
 * (`knowledge_pt` / `knowledge_en`: no accents, plurals and verb forms meet), or, failing that, when
 * its trigrams are close to a word of the passage (a typo). Every word the question has counts (OR:
 * customers' questions are long and full of words no passage has; AND would find nothing), weighted
 * by how rare it is among the passages (IDF, as BM25 does): "entrega" in one passage says more than
 * "bolo" in all of them. Stop words of either language ("de", "que", "the") are not searched.
 *
 * With a query vector, passages are also ranked by cosine similarity and both rankings are fused by
 * reciprocal rank, so a paraphrase with no word in common is still found.
 */
export async function searchKnowledge(
  s: { db: Db; config: FunctionsConfig },
  query: string,
  limit = 5,
  sessionId?: string,
): Promise<KnowledgeHit[]> {
  const scope = sessionId ?? null;
  // Known per isolate most of the time (presence.ts): a number without a knowledge base stops here.
  if (!(await hasPassages(s.db, scope))) return [];
  const words = customerWords(query);
  if (words.length === 0) return [];
  const vector = embeddingsEnabled(s.config) && (await hasVectors(s.db)) ? (await embedTexts(s.config, [query]))[0] : undefined;
  const result = await s.db.execute<{ document_id: string; title: string; text: string; score: number | string }>(
    vector ? fused(words, vector, limit, scope) : lexicalOnly(words, limit, scope),
  );
  return result.rows.map((r) => ({ documentId: r.document_id, title: r.title, text: r.text, score: Number(r.score) }));
}

/**
 * The passages searched (CTE `scoped`): the shared documents' and the number's own; the rarity of a
 * word (IDF) is counted among them too, as they are all the agent of that number reads.
 */
function scopedCte(sessionId: string | null) {
  return sql`
    scoped as (
      select p.* from knowledge_passages p join knowledge_documents d on d.id = p.document_id
      where d.session_id is null or d.session_id = ${sessionId}::text
    )`;
}

/** The lexical score of every passage in scope that matches at least one word (CTE `lexical`). */
function lexicalCtes(words: string[], sessionId: string | null) {
  return sql`
    ${scopedCte(sessionId)},
    words as (
      select w, plainto_tsquery('knowledge_pt', w) as pt, plainto_tsquery('knowledge_en', w) as en
      from unnest(${sql.param(words)}::text[]) as w
    ),
    -- A stop word of either language is no word to search: the passages' tsv holds English stems of
    -- Portuguese text too, where "de" or "tem" would otherwise match everything.
    terms as (select w, pt || en as q from words where numnode(pt) > 0 and numnode(en) > 0),
    hits as (
      select p.document_id, p.position, t.w,
        case
          when p.tsv @@ t.q then 1.0
          when length(t.w) >= 4
            and word_similarity(t.w, p.search_text) >= case when length(t.w) <= 5 then ${SHORT_TYPO_SIMILARITY}::real else ${TYPO_SIMILARITY}::real end
            then ${TYPO_WEIGHT} * word_similarity(t.w, p.search_text)
          else 0
        end as m
      from scoped p cross join terms t
    ),
    weights as (
      select w, ln(1 + ((select count(*) from scoped) + 0.5) / (count(*) filter (where m > 0) + 0.5)) as idf
      from hits group by w
    ),
    lexical as (
      select h.document_id, h.position, sum(h.m * weights.idf) as score
      from hits h join weights using (w)
      group by h.document_id, h.position
      having sum(h.m) > 0
    )`;
}

function lexicalOnly(words: string[], limit: number, sessionId: string | null) {
  return sql`
    with ${lexicalCtes(words, sessionId)}
    select l.document_id, d.title, p.text, l.score
    from lexical l
    join knowledge_passages p using (document_id, position)
    join knowledge_documents d on d.id = l.document_id
    order by l.score desc, l.document_id, l.position
    limit ${limit}`;
}

/**
 * Lexical and vector rankings fused. Cosine similarity is computed over the real[] column in plain
 * SQL, which every PostgreSQL runs (pgvector is not on every one the project uses: see the schema).
 */
function fused(words: string[], vector: number[], limit: number, sessionId: string | null) {
  return sql`
    with ${lexicalCtes(words, sessionId)},
    by_words as (
      select document_id, position, row_number() over (order by score desc, document_id, position) as r from lexical
    ),
    by_meaning as (
      select document_id, position, row_number() over (order by similarity desc, document_id, position) as r
      from (
        select p.document_id, p.position,
          (select sum(a * b) / nullif(sqrt(sum(a * a)) * sqrt(sum(b * b)), 0)
           from unnest(p.embedding, ${sql.param(vector)}::real[]) as v(a, b)) as similarity
        from scoped p
        where p.embedding is not null
      ) scored
      where similarity is not null
    ),
    ranked as (
      select coalesce(w.document_id, m.document_id) as document_id, coalesce(w.position, m.position) as position,
        coalesce(1.0 / (${RRF_K} + w.r), 0) + coalesce(1.0 / (${RRF_K} + m.r), 0) as score
      from by_words w full join by_meaning m using (document_id, position)
    )
    select r.document_id, d.title, p.text, r.score
    from ranked r
    join knowledge_passages p using (document_id, position)
    join knowledge_documents d on d.id = r.document_id
    order by r.score desc, r.document_id, r.position
    limit ${limit}`;
}
