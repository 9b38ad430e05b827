import pg from 'pg';
import type { CustomTypesConfig, PoolClient, QueryArrayResult } from 'pg';
import { inTransaction, toRawField } from './sql-backend.ts';
import type { RawResult, RunSql, SqlBackend } from './sql-backend.ts';

/** Every value stays the text the server printed: the Neon driver on the other side parses it. */
const rawText = { getTypeParser: () => (value: string) => value } as unknown as CustomTypesConfig;

/**
 * A real PostgreSQL behind the stand-in, through a pg Pool. Each request (one query or one batch)
 * takes a client for itself, so concurrent requests never share a transaction.
 */
export function postgresBackend(url: string, poolSize = 10): SqlBackend {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: rawText,
    // Neon's computes run in UTC; pinning it keeps timestamptz text ("…+00") the same as there and
    // as in PGlite, whatever zone this server was configured with.
    options: '-c TimeZone=UTC',
  });
  // An idle client can die (server restart, database dropped); the pool replaces it on the next
  // checkout, and without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined);

  async function withClient<T>(job: (run: RunSql) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await job((text, params) => runOnClient(client, text, params));
    } finally {
      // Neon ends the session with the request; a pooled client left inside a transaction (a stray
      // BEGIN, a failed batch) would instead carry it into whichever request takes it next.
      if (client.getTransactionStatus() !== 'I') {
        await client.query('ROLLBACK').catch((error: Error) => {
          broken = error;
        });
      }
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

/**
 * With values, pg uses the extended protocol (as the Neon proxy does); without, the simple one,
 * which runs a text of several statements and answers with one result each — the last one is kept.
 */
async function runOnClient(client: PoolClient, text: string, params: readonly (string | null)[]): Promise<RawResult> {
  const reply: QueryArrayResult | QueryArrayResult[] = await client.query({
    text,
    values: params.length ? [...params] : undefined,
    rowMode: 'array',
  });
  const result: QueryArrayResult | undefined = Array.isArray(reply) ? reply.at(-1) : reply;
  if (!result) return { command: null, rowCount: null, fields: [], rows: [] };
  return {
    command: result.command || null,
    rowCount: result.rowCount ?? null,
    fields: result.fields.map(toRawField),
    rows: result.rows as (string | null)[][],
  };
}
