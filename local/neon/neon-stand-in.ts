import { Hono } from 'hono';
import { readWireRequest, toWireError, toWireResult, WireRequestError } from './neon-wire.ts';
import type { WireQuery, WireRequest, WireResult } from './neon-wire.ts';
import { isSqlError } from './sql-backend.ts';
import type { RunSql, SqlBackend } from './sql-backend.ts';

export type NeonStandInOptions = {
  backend: SqlBackend;
  /** One line per request (and the cause of every 500); omit for silence. */
  log?: (line: string) => void;
};

export type NeonStandIn = {
  /** Serves POST /sql as Neon's HTTP proxy does; point `neonConfig.fetchEndpoint` at `<base url>/sql`. */
  app: Hono;
  /** HTTP requests to /sql, and statements handed to the backend (each query of a batch counts). */
  stats: { requests: number; queries: number };
  /** Closes the backend; requests after that fail with 500. */
  close(): Promise<void>;
};

/** The headers a browser must be allowed to send for the driver's request (its CORS preflight). */
const NEON_REQUEST_HEADERS = [
  'Neon-Connection-String',
  'Neon-Raw-Text-Output',
  'Neon-Array-Mode',
  'Neon-Batch-Isolation-Level',
  'Neon-Batch-Read-Only',
  'Neon-Batch-Deferrable',
  'Authorization',
  'Content-Type',
].join(', ');

/**
 * A local stand-in for Neon's `/sql` endpoint, so that product code keeps the real
 * `@neondatabase/serverless` driver (and drizzle-orm/neon-http) while the data lives in PGlite or a
 * plain PostgreSQL. Whatever database the connection string names, the configured backend serves it.
 */
export function createNeonStandIn(options: NeonStandInOptions): NeonStandIn {
  const { backend, log } = options;
  const stats = { requests: 0, queries: 0 };
  const app = new Hono();

  // Neon answers browsers too; the driver only warns there, it does not refuse. Scoped to /sql
  // because this app is mounted beside other stand-ins, whose answers are not ours to change.
  app.use('/sql', async (c, next) => {
    await next();
    c.res.headers.set('Access-Control-Allow-Origin', '*');
  });

  app.options('/sql', (c) =>
    c.body(null, 204, {
      'Access-Control-Allow-Methods': 'POST, OPTIONS',
      'Access-Control-Allow-Headers': NEON_REQUEST_HEADERS,
    }),
  );

  app.post('/sql', async (c) => {
    stats.requests += 1;
    let request: WireRequest;
    try {
      request = readWireRequest(c.req.raw.headers, await c.req.json());
    } catch (error) {
      const message = error instanceof WireRequestError ? error.message : 'the body is not valid JSON';
      log?.(`POST /sql 400 ${message}`);
      return c.json({ message }, 400);
    }

    const label = request.kind === 'single' ? 'query' : `batch of ${request.queries.length}`;
    const execute = (run: RunSql, query: WireQuery): Promise<WireResult> => {
      stats.queries += 1;
      return run(query.text, query.params).then((result) => toWireResult(result, query.arrayMode));
    };
    try {
      if (request.kind === 'single') {
        const reply = await execute(backend.query, request.query);
        log?.(`POST /sql 200 ${label}: ${reply.command ?? '-'}`);
        return c.json(reply);
      }
      const { queries } = request;
      const results = await backend.transaction(async (run) => {
        const replies: WireResult[] = [];
        for (const query of queries) replies.push(await execute(run, query));
        return replies;
      }, request.options);
      log?.(`POST /sql 200 ${label}`);
      return c.json({ results });
    } catch (error) {
      if (isSqlError(error)) {
        log?.(`POST /sql 400 ${label}: ${error.code} ${error.message}`);
        return c.json(toWireError(error), 400);
      }
      const message = error instanceof Error ? error.message : String(error);
      log?.(`POST /sql 500 ${label}: ${error instanceof Error ? (error.stack ?? message) : message}`);
      return c.json({ message }, 500);
    }
  });

  return { app, stats, close: () => backend.close() };
}
