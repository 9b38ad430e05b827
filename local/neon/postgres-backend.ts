import pg from 'pg';
import type { CustomTypesConfig, PoolClient, QueryArrayConfig, QueryArrayResult } from 'pg';
import { inTransaction, toRawField } from './sql-backend.ts';
import type { RawResult, RunSql, SqlBackend } from './sql-backend.ts';

/** Every value stays the text the server printed: the Neon driver on the other side parses it. */
const rawText = { getTypeParser: () => (value: string) => value } as unknown as CustomTypesConfig;

export type PostgresBackendOptions = {
  /** Told when PostgreSQL drops a connection (restart, crash, terminated backend); omit for silence. */
  log?: (line: string) => void;
};

/**
 * A real PostgreSQL behind the stand-in, through a pg Pool. Each request (one query or one batch)
 * takes a client for itself, so concurrent requests never share a transaction.
 *
 * PostgreSQL may go away at any moment (restart, crash, `pg_terminate_backend`): the request using
 * a connection then fails with the error it got, the connection is thrown away, and the next
 * request opens a new one. Nothing here may let pg's 'error' events reach the process unheard.
 */
export function postgresBackend(url: string, poolSize = 10, options: PostgresBackendOptions = {}): SqlBackend {
  const { log } = options;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: rawText,
    // Neon's computes run in UTC; pinning it keeps timestamptz text ("…+00") the same as there and
    // as in PGlite, whatever zone this server was configured with.
    options: '-c TimeZone=UTC',
    // A server that neither answers nor refuses (a host gone from the network) fails the request
    // instead of holding it forever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client can die (server restart, database dropped); the pool drops it, and the next
  // checkout connects anew. Without a listener the 'error' event would crash the process.
  pool.on('error', (error) => log?.(`postgres: an idle connection was closed (${describe(error)}); the next request reconnects`));

  async function withClient<T>(job: (run: RunSql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    // While checked out the pool does not listen to the client: a connection dying between two
    // statements (or after the last one) emits 'error' here, and must only mark the client broken.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken ??= error;
      log?.(`postgres: a connection in use was closed (${describe(error)})`);
    };
    client.on('error', onError);
    // A statement sent after the connection broke fails with pg's "not queryable"; the caller is
    // told what broke it instead (PostgreSQL's FATAL 57P01 on a shutdown, or the socket error).
    const run: RunSql = async (text, params) => {
      if (broken) throw broken;
      try {
        return await runOnClient(client, text, params);
      } catch (error) {
        throw broken ?? error;
      }
    };
    let failed = false;
    try {
      return await job(run);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // Neon ends the session with the request; a pooled client left inside a transaction (a stray
      // BEGIN, a failed batch) would instead carry it into whichever request takes it next. After a
      // failure the reported status cannot be trusted: pg rejects a query on its ErrorResponse,
      // before the ReadyForQuery that tells the transaction state has arrived, so it rolls back
      // whatever the status says (queued behind that ReadyForQuery; outside a transaction it is a no-op).
      if (!broken && (failed || client.getTransactionStatus() !== 'I')) {
        await client.query('ROLLBACK').catch((error: Error) => {
          broken ??= error;
        });
      }
      client.removeListener('error', onError);
      // A broken client is closed and dropped from the pool rather than handed to the next request.
      client.release(broken);
    }
  }

  return {
    kind: 'postgres',
    query: (text, params) => withClient((run) => run(text, params)),
    transaction: (fn, options) => withClient((run) => inTransaction(run, fn, options)),
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}

const describe = (error: Error) => {
  const code = (error as { code?: string }).code;
  return code ? `${code} ${error.message}` : error.message;
};

/**
 * Always the extended protocol (Parse, Bind, Execute), with or without values, as the Neon proxy
 * does: a text of several statements is refused by PostgreSQL ("cannot insert multiple commands
 * into a prepared statement") exactly as Neon refuses it.
 */
async function runOnClient(client: PoolClient, text: string, params: readonly (string | null)[]): Promise<RawResult> {
  // pg knows queryMode (8.12+); its type definitions do not yet.
  const query: QueryArrayConfig & { queryMode: 'extended' } = { text, values: [...params], rowMode: 'array', queryMode: 'extended' };
  const result: QueryArrayResult = await client.query(query);
  return {
    command: result.command || null,
    rowCount: result.rowCount ?? null,
    fields: result.fields.map(toRawField),
    rows: result.rows as (string | null)[][],
  };
}
