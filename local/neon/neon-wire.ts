/**
 * The JSON-over-HTTP format of Neon's `/sql` endpoint, as @neondatabase/serverless' `neon()` speaks
 * it: reading a request (headers + body) and shaping results and database errors for the reply.
 */
import { isIsolationLevel, SQL_ERROR_FIELDS } from './sql-backend.ts';
import type { RawResult, SqlError, SqlParams, TransactionOptions } from './sql-backend.ts';

export type WireQuery = { text: string; params: SqlParams; arrayMode: boolean };

export type WireRequest =
  | { kind: 'single'; query: WireQuery }
  | { kind: 'batch'; queries: WireQuery[]; options: TransactionOptions };

/** A request the stand-in cannot serve as asked; answered with HTTP 400 and its message. */
export class WireRequestError extends Error {
  override name = 'WireRequestError';
}

/** Reads what the driver sent. Throws WireRequestError for anything Neon's proxy would refuse. */
export function readWireRequest(headers: Headers, body: unknown): WireRequest {
  if (!headers.get('Neon-Connection-String')) {
    throw new WireRequestError('missing Neon-Connection-String header');
  }
  // Without this header Neon converts values to JSON types; the stand-in only speaks the raw text
  // the driver asks for, and refusing beats answering in a format the caller did not expect.
  if (headers.get('Neon-Raw-Text-Output') !== 'true') {
    throw new WireRequestError('only Neon-Raw-Text-Output: true is supported by this stand-in');
  }
  const arrayMode = headers.get('Neon-Array-Mode') === 'true';
  if (!isRecord(body)) throw new WireRequestError('the body must be a JSON object');

  if (body.queries === undefined) return { kind: 'single', query: readQuery(body, arrayMode) };
  if (!Array.isArray(body.queries)) throw new WireRequestError('"queries" must be an array');
  const queries = body.queries.map((query: unknown) => {
    if (!isRecord(query)) throw new WireRequestError('each of "queries" must be an object');
    return readQuery(query, arrayMode);
  });
  return { kind: 'batch', queries, options: readTransactionOptions(headers) };
}

function readQuery(body: Record<string, unknown>, defaultArrayMode: boolean): WireQuery {
  const { query, params = [], arrayMode = defaultArrayMode } = body;
  if (typeof query !== 'string') throw new WireRequestError('"query" must be a string');
  if (!Array.isArray(params)) throw new WireRequestError('"params" must be an array');
  if (typeof arrayMode !== 'boolean') throw new WireRequestError('"arrayMode" must be a boolean');
  return { text: query, params: params.map(readParam), arrayMode };
}

/** The driver sends every value already as Postgres text; plain JSON scalars are taken as their text too. */
function readParam(value: unknown): string | null {
  if (value === null || typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new WireRequestError('each of "params" must be a string, a number, a boolean or null');
}

/** Batch headers; as in Neon, read-only and deferrable are on only for the exact text "true". */
function readTransactionOptions(headers: Headers): TransactionOptions {
  const options: TransactionOptions = {};
  const isolation = headers.get('Neon-Batch-Isolation-Level');
  if (isolation !== null) {
    if (!isIsolationLevel(isolation)) {
      throw new WireRequestError(`unknown Neon-Batch-Isolation-Level "${isolation}"`);
    }
    options.isolationLevel = isolation;
  }
  if (headers.get('Neon-Batch-Read-Only') === 'true') options.readOnly = true;
  if (headers.get('Neon-Batch-Deferrable') === 'true') options.deferrable = true;
  return options;
}

export type WireResult = {
  command: string | null;
  rowCount: number | null;
  rowAsArray: boolean;
  fields: (RawResult['fields'][number] & { format: 'text' })[];
  rows: (string | null)[][] | Record<string, string | null>[];
};

/** One query's reply; without array mode each row becomes an object keyed by column name. */
export function toWireResult(result: RawResult, arrayMode: boolean): WireResult {
  const names = result.fields.map((field) => field.name);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rowAsArray: arrayMode,
    fields: result.fields.map((field) => ({ ...field, format: 'text' })),
    rows: arrayMode
      ? result.rows
      : result.rows.map((row) => Object.fromEntries(names.map((name, i) => [name, row[i] ?? null]))),
  };
}

/** The body of an HTTP 400: the driver copies these fields onto the NeonDbError it throws. */
export function toWireError(error: SqlError): Record<string, string> {
  const reply: Record<string, string> = { message: error.message };
  for (const field of SQL_ERROR_FIELDS) {
    const value = error[field];
    if (value !== undefined) reply[field] = value;
  }
  return reply;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
