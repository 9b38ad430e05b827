import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle, type NeonHttpDatabase } from 'drizzle-orm/neon-http';
import * as schema from '../drizzle/schema.ts';

export type Db = NeonHttpDatabase<typeof schema>;

/**
 * Neon's HTTP endpoint is a driver-wide setting, but one process may talk to several databases (the
 * tests start stacks side by side). So the endpoint is looked up per database host; hosts not
 * registered go to Neon itself, exactly as the driver would by default.
 */
const endpoints = new Map<string, string>();
const neonDefault = neonConfig.fetchEndpoint;
neonConfig.fetchEndpoint = (host, port, options) => {
  const local = endpoints.get(`${host}:${port}`);
  if (local) return local;
  return typeof neonDefault === 'function' ? neonDefault(host, port, options) : neonDefault;
};

/**
 * drizzle over Neon's HTTP driver: the one database client of the functions and the socket-host.
 * `httpUrl` (DATABASE_HTTP_URL) sends the queries of this DATABASE_URL to another Neon-compatible
 * endpoint, which is how the local stack serves PGlite or a plain PostgreSQL.
 */
export function createDb(databaseUrl: string, httpUrl?: string): Db {
  if (httpUrl) {
    const url = new URL(databaseUrl);
    endpoints.set(`${url.hostname}:${url.port}`, httpUrl);
  }
  return drizzle({ client: neon(databaseUrl), schema });
}
