/**
 * Test support for local/neon: both backends behind the stand-in on a real HTTP port, reached by the
 * real `neon()` driver. The driver's endpoint is one process-wide setting, so it is set once, here,
 * and routes each fake Neon host to the stand-in serving it (every test file is its own process).
 */
import { neon, neonConfig } from '@neondatabase/serverless';
import type { NeonQueryFunction } from '@neondatabase/serverless';
import { createTestDatabase, TEST_POSTGRES_ADMIN_URL } from '../../test-support/postgres.ts';
import { listen } from '../../test-support/listen.ts';
import { createNeonStandIn } from './neon-stand-in.ts';
import type { NeonStandIn } from './neon-stand-in.ts';
import { pgliteBackend } from './pglite-backend.ts';
import { postgresBackend } from './postgres-backend.ts';
import type { SqlBackend } from './sql-backend.ts';
import { startForwarder } from './tcp-forwarder.ts';
import type { Forwarder, ForwarderOptions } from './tcp-forwarder.ts';

const endpoints = new Map<string, string>();
neonConfig.fetchEndpoint = (host) => {
  const endpoint = endpoints.get(host);
  if (!endpoint) throw new Error(`no stand-in serves ${host} in this test file`);
  return endpoint;
};

export type BackendCase = {
  kind: SqlBackend['kind'];
  /** Names the case (and its fake Neon host) when one kind is served in several ways; defaults to kind. */
  name?: string;
  open(): Promise<{ backend: SqlBackend; drop(): Promise<void> }>;
};

/** For describe.each: PGlite in memory, and a real PostgreSQL on a database of its own. */
export const BACKENDS: BackendCase[] = [
  { kind: 'pglite', name: 'pglite', open: async () => ({ backend: pgliteBackend(undefined), drop: async () => {} }) },
  {
    kind: 'postgres',
    name: 'postgres',
    async open() {
      const database = await createTestDatabase();
      return { backend: postgresBackend(database.url, 4), drop: () => database.drop() };
    },
  },
];

/**
 * A real PostgreSQL reached through a TCP forwarder the test controls: closing it is the database
 * going away (connections cut, new ones refused), opening it again is the database coming back.
 */
export async function postgresBehindForwarder(
  options: Omit<ForwarderOptions, 'target'> = {},
): Promise<{ backend: SqlBackend; forwarder: Forwarder; databaseUrl: string; drop(): Promise<void> }> {
  const database = await createTestDatabase();
  const real = new URL(TEST_POSTGRES_ADMIN_URL);
  const forwarder = await startForwarder({ ...options, target: { host: real.hostname, port: Number(real.port || 5432) } });
  const viaForwarder = new URL(database.url);
  viaForwarder.hostname = '127.0.0.1';
  viaForwarder.port = String(forwarder.port);
  const backend = postgresBackend(viaForwarder.toString(), 4);
  return {
    backend,
    forwarder,
    databaseUrl: database.url,
    async drop() {
      await forwarder.close();
      await database.drop();
    },
  };
}

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
  const host = `${backendCase.name ?? backendCase.kind}.neon.test`;
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
