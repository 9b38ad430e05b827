import { sql, type SQL, type AnyColumn } from 'drizzle-orm';
import { ApiError } from '../errors.ts';

/**
 * Opaque page cursors over (timestamp, id), newest first. The timestamp travels as integer
 * microseconds since the epoch, exactly as Postgres stores it, so no row is skipped or repeated
 * between pages, and a tampered cursor can only be refused, never reach SQL as anything but numbers.
 */
export type Cursor = { micros: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify([cursor.micros, cursor.id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(text: string): Cursor {
  try {
    const json: unknown = JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/')));
    if (Array.isArray(json) && json.length === 2) {
      const [micros, id] = json as unknown[];
      if (typeof micros === 'string' && /^\d{1,17}$/.test(micros) && typeof id === 'string' && UUID.test(id)) return { micros, id };
    }
  } catch {
    // fall through to the one error below
  }
  throw new ApiError('VALIDATION_FAILED', 'cursor: is not a cursor this API gave out', {}, [
    { field: 'cursor', message: 'is not a cursor this API gave out' },
  ]);
}

/** The column's value as integer microseconds, for the next cursor. */
export const microsOf = (column: AnyColumn) => sql<string>`(extract(epoch from ${column}) * 1000000)::bigint::text`;

/** Rows strictly after the cursor in (timestamp desc, id desc) order. */
export function after(at: AnyColumn, id: AnyColumn, cursor: Cursor): SQL {
  return sql`(${at}, ${id}) < (timestamptz 'epoch' + ${cursor.micros}::bigint * interval '1 microsecond', ${cursor.id}::uuid)`;
}

export function pageLimit(text: string | undefined): number {
  const n = text === undefined ? 20 : Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    throw new ApiError('VALIDATION_FAILED', 'limit: must be a whole number from 1 to 100', {}, [
      { field: 'limit', message: 'must be a whole number from 1 to 100' },
    ]);
  }
  return n;
}
