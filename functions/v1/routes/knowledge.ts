import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from '../../errors.ts';
import { createDocument, countDocuments, deleteDocument, getDocument, listDocuments, MAX_DOCUMENT_CHARS, MAX_DOCUMENTS, type SourceType } from '../../knowledge/documents.ts';
import { searchKnowledge } from '../../knowledge/search.ts';
import { cutNote, pdfText } from '../../media/pdf-text.ts';
import { describeBytes } from '../../media/outbound-media.ts';
import { guard } from '../auth.ts';
import type { V1Env } from '../env.ts';
import { errors, noContent, ok } from '../openapi.ts';
import {
  IdParams,
  KnowledgeCreateBody,
  KnowledgeCreated,
  KnowledgeCreateQuery,
  KnowledgeDocumentSchema,
  KnowledgeList,
  KnowledgeListQuery,
  KnowledgeSearchQuery,
  KnowledgeSearchResult,
} from '../schemas.ts';

const textBody = (description: string) => ({ schema: z.string().openapi({ description }) });

export const createKnowledgeRoute = createRoute({
  method: 'post',
  path: '/v1/knowledge',
  operationId: 'createKnowledge',
  tags: ['Knowledge'],
  summary: 'Add a document to the knowledge base',
  description:
    'JSON `{title, text}`, or the document itself as `text/plain`, `text/markdown` or `application/pdf` (its text is ' +
    'extracted; a scan has none) with `?title=`. It is split into passages of a paragraph or two (Markdown headings ' +
    `start new ones), searchable at once. At most ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters of text and ` +
    `${MAX_DOCUMENTS} documents; a PDF file at most MEDIA_MAX_BYTES. With AI_EMBEDDING_MODEL set the passages also get ` +
    'vectors; if the embeddings endpoint fails nothing is stored (503). With `?sessionId=` only that number’s agent ' +
    'answers from it; without, every number’s does.',
  ...guard(['agent:write']),
  request: {
    query: KnowledgeCreateQuery,
    body: {
      required: false,
      content: {
        'application/json': { schema: KnowledgeCreateBody },
        'text/plain': textBody('The document’s text.'),
        'text/markdown': textBody('The document’s text in Markdown.'),
        'application/pdf': { schema: z.string().openapi({ format: 'binary', description: 'A PDF with text (not a scan).' }) },
      },
    },
  },
  responses: { 201: ok(KnowledgeCreated, 'Stored and searchable.'), ...errors(400, 403, 409, 413, 415, 503) },
});

export const listKnowledgeRoute = createRoute({
  method: 'get',
  path: '/v1/knowledge',
  operationId: 'listKnowledge',
  tags: ['Knowledge'],
  summary: 'List the knowledge base’s documents',
  ...guard(['agent:read'], ['agent:write']),
  request: { query: KnowledgeListQuery },
  responses: { 200: ok(KnowledgeList, 'The documents, newest first (without their text).'), ...errors(400, 403) },
});

export const getKnowledgeRoute = createRoute({
  method: 'get',
  path: '/v1/knowledge/{id}',
  operationId: 'getKnowledge',
  tags: ['Knowledge'],
  summary: 'Read a document, with its text and passages',
  ...guard(['agent:read'], ['agent:write']),
  request: { params: IdParams },
  responses: { 200: ok(KnowledgeDocumentSchema, 'The document.'), ...errors(400, 403, 404) },
});

export const deleteKnowledgeRoute = createRoute({
  method: 'delete',
  path: '/v1/knowledge/{id}',
  operationId: 'deleteKnowledge',
  tags: ['Knowledge'],
  summary: 'Remove a document and its passages',
  ...guard(['agent:write']),
  request: { params: IdParams },
  responses: { 204: noContent, ...errors(400, 403, 404) },
});

export const searchKnowledgeRoute = createRoute({
  method: 'get',
  path: '/v1/knowledge/search',
  operationId: 'searchKnowledge',
  tags: ['Knowledge'],
  summary: 'Search the knowledge base as the agent does',
  description:
    'The passages the agent would be given for this question, best first. Works with no model: full-text search ' +
    'that reads Portuguese and English as customers type them (no accents, shorthand such as "vcs" or "qnd", plurals, ' +
    'verb forms, typos). With AI_EMBEDDING_MODEL set it also ranks by meaning (reciprocal rank fusion of both). ' +
    'With `sessionId`, among that number’s own documents and the shared ones, as its agent searches; without, the shared ones.',
  ...guard(['agent:read'], ['agent:write']),
  request: { query: KnowledgeSearchQuery },
  responses: { 200: ok(KnowledgeSearchResult, 'Passages, best first; empty when nothing matches.'), ...errors(400, 403, 503) },
});

const bodyProblem = (message: string) => new ApiError('VALIDATION_FAILED', `body: ${message}`, {}, [{ field: 'body', message }]);

/** The document a request carries: its JSON, or its raw text or PDF with ?title=. */
async function documentOf(c: Context<V1Env>, json: { title?: string; text?: string }): Promise<{ title: string; text: string; sourceType: SourceType }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return { title: json.title!, text: json.text!, sourceType: 'text' };
  if (!type) throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the document as application/json, text/plain, text/markdown or application/pdf.');
  const { title } = KnowledgeCreateQuery.parse(c.req.query());
  if (!title) throw new ApiError('VALIDATION_FAILED', 'title: required with a text/plain, text/markdown or application/pdf body (?title=…)', {}, [{ field: 'title', message: 'required with a non-JSON body' }]);
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) throw bodyProblem('must not be empty');
  if (type === 'application/pdf') {
    const max = c.get('services').config.MEDIA_MAX_BYTES;
    if (bytes.length > max) throw new ApiError('PAYLOAD_TOO_LARGE', `The PDF is larger than ${describeBytes(max)} (MEDIA_MAX_BYTES).`, { Connection: 'close' });
    const text = await pdfText(bytes, MAX_DOCUMENT_CHARS).catch(() => {
      throw bodyProblem('is not a PDF that can be opened (damaged or password-protected)');
    });
    if (!text) throw bodyProblem('the PDF has no text to read (a scan or photos); send its text instead');
    if (text.endsWith(cutNote(MAX_DOCUMENT_CHARS))) throw bodyProblem(`the PDF’s text is longer than ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters; split it into several documents`);
    return { title, text, sourceType: 'pdf' };
  }
  const text = new TextDecoder().decode(bytes).trim();
  if (text.includes('\u0000')) throw bodyProblem('must not contain the NUL character (U+0000)');
  if (!text) throw bodyProblem('must not be empty');
  if (text.length > MAX_DOCUMENT_CHARS) throw bodyProblem(`must be at most ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters; split it into several documents`);
  return { title, text, sourceType: type === 'text/markdown' ? 'markdown' : 'text' };
}

/** A failing embeddings endpoint is the model's outage, not the caller's mistake: 503, nothing stored. */
async function orModelUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof Error && /embedding/.test(err.message)) {
      throw new ApiError('UNAVAILABLE', `The embeddings endpoint (AI_EMBEDDING_MODEL) cannot be used right now: ${err.message}.`, { 'Retry-After': '30' });
    }
    throw err;
  }
}

export function registerKnowledgeRoutes(app: OpenAPIHono<V1Env>) {
  app.openapi(createKnowledgeRoute, async (c) => {
    const s = c.get('services');
    // Only a JSON body is validated by its schema (and typed as one); the others are read by documentOf.
    const document = await documentOf(c, c.req.valid('json') as { title?: string; text?: string });
    if ((await countDocuments(s.db)) >= MAX_DOCUMENTS) throw new ApiError('CONFLICT', `At most ${MAX_DOCUMENTS} documents; delete one first.`);
    const { sessionId } = c.req.valid('query');
    return c.json(await orModelUnavailable(createDocument(s, { ...document, sessionId })), 201);
  });

  app.openapi(listKnowledgeRoute, async (c) => {
    const rows = await listDocuments(c.get('services').db, c.req.valid('query').sessionId);
    return c.json({ data: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) }, 200);
  });

  // Before /v1/knowledge/{id}, so that "search" is not taken for an id.
  app.openapi(searchKnowledgeRoute, async (c) => {
    const { q, limit, sessionId } = c.req.valid('query');
    const data = await orModelUnavailable(searchKnowledge(c.get('services'), q, limit ? Number(limit) : 5, sessionId));
    return c.json({ data }, 200);
  });

  app.openapi(getKnowledgeRoute, async (c) => {
    const { id } = c.req.valid('param');
    const found = await getDocument(c.get('services').db, id);
    if (!found) throw new ApiError('NOT_FOUND', `No knowledge document with id ${id}.`);
    const { id: docId, title, sessionId, sourceType, chunks, createdAt, text, passages } = found;
    return c.json({ id: docId, title, sessionId, sourceType, chunks, createdAt: createdAt.toISOString(), text, passages }, 200);
  });

  app.openapi(deleteKnowledgeRoute, async (c) => {
    const { id } = c.req.valid('param');
    if (!(await deleteDocument(c.get('services').db, id))) throw new ApiError('NOT_FOUND', `No knowledge document with id ${id}.`);
    return c.body(null, 204);
  });
}
