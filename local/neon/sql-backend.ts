/**
 * What the Neon stand-in needs from a database: run one SQL text with text-encoded parameters and
 * hand back exactly what the server printed (Postgres TEXT format), and run several inside one
 * transaction. Two implementations: PGlite (embedded, single connection) and a real PostgreSQL.
 */

/** A result column as Postgres' RowDescription describes it (the Neon proxy forwards these fields). */
export type RawField = {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
};

/** One statement's outcome, values left as the server's text output so the driver parses them itself. */
export type RawResult = {
  /** First word of the command tag ("SELECT", "INSERT", "CREATE"…), null when there was none. */
  command: string | null;
  /** Row count of the command tag ("INSERT 0 2" → 2), null for tags without one ("CREATE TABLE"). */
  rowCount: number | null;
  fields: RawField[];
  rows: (string | null)[][];
};

/** Parameters arrive already encoded as Postgres text by the driver; null is SQL NULL. */
export type SqlParams = readonly (string | null)[];

/**
 * Runs one SQL statement, always through the extended protocol as the Neon proxy does (with or
 * without params): a text of several statements is refused by PostgreSQL itself, as on Neon.
 */
export type RunSql = (text: string, params: SqlParams) => Promise<RawResult>;

export type IsolationLevel = 'Serializable' | 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead';

export type TransactionOptions = {
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
};

export type SqlBackend = {
  kind: 'pglite' | 'postgres';
  query: RunSql;
  /** BEGIN (with the options), fn, COMMIT; ROLLBACK when fn throws. Nothing else runs on its connection meanwhile. */
  transaction<T>(fn: (query: RunSql) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
};

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  Serializable: 'SERIALIZABLE',
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
};

export function isIsolationLevel(value: string): value is IsolationLevel {
  return Object.hasOwn(ISOLATION_SQL, value);
}

/** The BEGIN statement for the options, e.g. "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY". */
export function beginStatement(options: TransactionOptions = {}): string {
  const modes: string[] = [];
  if (options.isolationLevel) modes.push(`ISOLATION LEVEL ${ISOLATION_SQL[options.isolationLevel]}`);
  if (options.readOnly) modes.push('READ ONLY');
  if (options.deferrable) modes.push('DEFERRABLE');
  return modes.length ? `BEGIN ${modes.join(', ')}` : 'BEGIN';
}

/** The field description Neon sends, from either backend's (same-named) row description. */
export function toRawField(f: RawField): RawField {
  return {
    name: f.name,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeID: f.dataTypeID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
  };
}

/** BEGIN with the batch's options, the work, COMMIT: the same on both backends (errors roll back in the caller). */
export async function inTransaction<T>(run: RunSql, fn: (run: RunSql) => Promise<T>, options?: TransactionOptions): Promise<T> {
  await run(beginStatement(options), []);
  const value = await fn(run);
  await run('COMMIT', []);
  return value;
}

/** Splits a command tag the way the Neon proxy and node-postgres do: first word, trailing count. */
export function parseCommandTag(tag: string): Pick<RawResult, 'command' | 'rowCount'> {
  const parts = tag.split(' ');
  const count = Number.parseInt(parts[parts.length - 1] ?? '', 10);
  return { command: parts[0] || null, rowCount: Number.isNaN(count) ? null : count };
}

/** The fields of a Postgres ErrorResponse, as both pg and PGlite expose them on their DatabaseError. */
export const SQL_ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export type SqlError = Error & Partial<Record<(typeof SQL_ERROR_FIELDS)[number], string>>;

/**
 * An error the database reported (as opposed to a broken connection or a bug here): pg and PGlite
 * both use pg-protocol's DatabaseError, but from separate copies, so this checks the shape.
 */
export function isSqlError(error: unknown): error is SqlError {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as SqlError;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}
