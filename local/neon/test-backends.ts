/**
 * Test support for local/neon: both backends behind the stand-in on a real HTTP port, reached by the
 * real `neon()` driver. The driver's endpoint is one process-wide setting, so it is set once, here,
 * and routes each fake Neon host to the stand-in serving it (every test file is its own process).
 */
import { neon, neonConfig } from '@neondatabase/serverless';
import type { NeonQueryFunction } from '@neondatabase/serverless';
import { createTestDatabase } from '../../test-support/postgres.ts';
import { listen } from '../../test-support/listen.ts';
import { createNeonStandIn } from './neon-stand-in.ts';
import type { NeonStandIn } from './neon-stand-in.ts';
import { pgliteBackend } from './pglite-backend.ts';
import { postgresBackend } from './postgres-backend.ts';
import type { SqlBackend } from './sql-backend.ts';

const endpoints = new Map<string, string>();
neonConfig.fetchEndpoint = (host) => {
  const endpoint = endpoints.get(host);
  if (!endpoint) throw new Error(`no stand-in serves ${host} in this test file`);
  return endpoint;
};

export type BackendCase = { kind: SqlBackend['kind']; open(): Promise<{ backend: SqlBackend; drop(): Promise<void> }> };

/** For describe.each: PGlite in memory, and a real PostgreSQL on a database of its own. */
export const BACKENDS: BackendCase[] = [
  { kind: 'pglite', open: async () => ({ backend: pgliteBackend(undefined), drop: async () => {} }) },
  {
    kind: 'postgres',
    async open() {
      const database = await createTestDatabase();
      return { backend: postgresBackend(database.url, 4), drop: () => database.drop() };
    },
  },
];

export type Served = {
  standIn: NeonStandIn;
  /** `<base url>/sql`, for requests made by hand. */
  endpoint: string;
  /** A connection string whose host routes to this stand-in. */
  connectionString: string;
  sql: NeonQueryFunction<false, false>;
  close(): Promise<void>;
};

/** Opens the backend, serves it through the stand-in and returns a `neon()` client for it. */
export async function serve(backendCase: BackendCase): Promise<Served> {
  const { backend, drop } = await backendCase.open();
  const standIn = createNeonStandIn({ backend });
  const server = await listen(standIn.app.fetch);
  const host = `${backendCase.kind}.neon.test`;
  const endpoint = `${server.url}/sql`;
  endpoints.set(host, endpoint);
  const connectionString = `postgresql://tester:secret@${host}/app`;
  return {
    standIn,
    endpoint,
    connectionString,
    sql: neon(connectionString),
    async close() {
      endpoints.delete(host);
      await server.close();
      await standIn.close();
      await drop();
    },
  };
}

/** A driver-shaped request made by hand, for what the driver never sends (or to read the raw reply). */
export function post(served: Served, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(served.endpoint, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: {
      'Neon-Connection-String': served.connectionString,
      'Neon-Raw-Text-Output': 'true',
      'Neon-Array-Mode': 'true',
      ...headers,
    },
  });
}
