import { asc, desc, eq, isNull, or } from 'drizzle-orm';
import { knowledgeDocuments, knowledgePassages } from '../../drizzle/schema.ts';
import type { FunctionsConfig } from '../../shared/config/functions-config.ts';
import type { Db } from '../../shared/db.ts';
import { plainText } from './customer-words.ts';
import { embeddingsEnabled, embedTexts } from './embeddings.ts';
import { forgetKnowledge } from './presence.ts';
import { splitPassages } from './passages.ts';

export type SourceType = 'text' | 'markdown' | 'pdf';

/**
 * The longest document: about 25 pages. An upload is one request (and its passages' vectors one or
 * two embedding calls), and the material an agent answers from is prices, hours and policies, not
 * manuals; a longer text goes in as several documents.
 */
export const MAX_DOCUMENT_CHARS = 50_000;
/** At most this many documents, so that search (which scores every passage) stays fast on a free database. */
export const MAX_DOCUMENTS = 500;

type KnowledgeServices = { db: Db; config: FunctionsConfig };

export type CreatedDocument = { id: string; title: string; chunks: number; sessionId: string | null };

/**
 * Stores a document and its passages in one transaction, with their vectors when AI_EMBEDDING_MODEL is
 * set (fetched first, so a failing endpoint stores nothing and the caller can say so). With `sessionId`
 * only that number's agent answers from it; without, every number's does.
 */
export async function createDocument(
  s: KnowledgeServices,
  input: { title: string; text: string; sourceType: SourceType; sessionId?: string | null },
): Promise<CreatedDocument> {
  const sessionId = input.sessionId ?? null;
  const passages = splitPassages(input.text);
  const searchTexts = passages.map((p) => plainText(`${input.title}\n${p}`));
  // The vector of a passage is of what it says, under its document's title, as the search text is.
  const embeddings = embeddingsEnabled(s.config) ? await embedTexts(s.config, passages.map((p) => `${input.title}\n${p}`)) : undefined;
  const id = crypto.randomUUID();
  const insertDocument = s.db
    .insert(knowledgeDocuments)
    .values({ id, title: input.title, sessionId, sourceType: input.sourceType, text: input.text, chunks: passages.length });
  if (passages.length === 0) {
    await insertDocument;
  } else {
    const insertPassages = s.db.insert(knowledgePassages).values(
      passages.map((text, position) => ({ documentId: id, position, text, searchText: searchTexts[position]!, embedding: embeddings?.[position] ?? null })),
    );
    await s.db.batch([insertDocument, insertPassages]);
  }
  forgetKnowledge(s.db);
  return { id, title: input.title, chunks: passages.length, sessionId };
}

export async function countDocuments(db: Db): Promise<number> {
  return db.$count(knowledgeDocuments);
}

/** Every document; with `sessionId`, those its agent answers from (its own and the shared ones). */
export async function listDocuments(db: Db, sessionId?: string) {
  return db
    .select({
      id: knowledgeDocuments.id,
      title: knowledgeDocuments.title,
      sessionId: knowledgeDocuments.sessionId,
      sourceType: knowledgeDocuments.sourceType,
      chunks: knowledgeDocuments.chunks,
      createdAt: knowledgeDocuments.createdAt,
    })
    .from(knowledgeDocuments)
    .where(sessionId ? or(isNull(knowledgeDocuments.sessionId), eq(knowledgeDocuments.sessionId, sessionId)) : undefined)
    .orderBy(desc(knowledgeDocuments.createdAt), desc(knowledgeDocuments.id));
}

/** A document with its text and its passages in order; undefined if there is none with that id. */
export async function getDocument(db: Db, id: string) {
  const [[document], passages] = await db.batch([
    db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, id)),
    db
      .select({ position: knowledgePassages.position, text: knowledgePassages.text })
      .from(knowledgePassages)
      .where(eq(knowledgePassages.documentId, id))
      .orderBy(asc(knowledgePassages.position)),
  ]);
  return document ? { ...document, passages } : undefined;
}

/** Deletes a document and (by cascade) its passages; false if there was none. */
export async function deleteDocument(db: Db, id: string): Promise<boolean> {
  const deleted = await db.delete(knowledgeDocuments).where(eq(knowledgeDocuments.id, id)).returning({ id: knowledgeDocuments.id });
  forgetKnowledge(db);
  return deleted.length > 0;
}
