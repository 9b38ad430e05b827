import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test-support/eventually.ts';
import type { SqlBackend } from './sql-backend.ts';
import type { Forwarder } from './tcp-forwarder.ts';
import { postgresBehindForwarder, serve } from './test-backends.ts';
import type { Served } from './test-backends.ts';

/**
 * A PostgreSQL restart (fast shutdown) or crash under the stand-in: the requests it cuts get an
 * error, the process stays up, and the next requests reconnect. The shared server is never
 * restarted; its shutdown is played by terminating the stand-in's connections (pg_terminate_backend
 * sends exactly what a fast shutdown sends: FATAL 57P01) and by a forwarder that can drop and refuse.
 */
describe('the stand-in on PostgreSQL through an outage', () => {
  let served: Served;
  let backend: SqlBackend;
  let forwarder: Forwarder;
  let admin: pg.Client;
  let databaseName: string;
  beforeAll(async () => {
    served = await serve({
      kind: 'postgres',
      async open() {
        const opened = await postgresBehindForwarder();
        ({ backend, forwarder } = opened);
        databaseName = new URL(opened.databaseUrl).pathname.slice(1);
        admin = new pg.Client({ connectionString: opened.databaseUrl });
        await admin.connect();
        return { backend, drop: opened.drop };
      },
    });
    await served.sql`CREATE TABLE notes (id int PRIMARY KEY)`;
  });
  afterAll(async () => {
    await admin?.end();
    await served?.close();
  });

  /** The stand-in's server processes (every one but the test's own). */
  const standInBackends = async (where = 'true') =>
    (
      await admin.query<{ pid: number; query: string }>(
        `select pid, query from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and (${where})`,
        [databaseName],
      )
    ).rows;
  const terminateStandInBackends = async () => {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [
      databaseName,
    ]);
    await eventually(async () => (await standInBackends()).length === 0, 'the terminated connections to go');
  };

  it('answers the requests in flight with the error PostgreSQL sent, then serves the next ones', async () => {
    const { sql } = served;
    const inFlight = [
      sql`SELECT pg_sleep(30)`,
      sql`SELECT pg_sleep(30)`,
      sql.transaction([sql`INSERT INTO notes VALUES (1)`, sql`SELECT pg_sleep(30)`]),
    ].map((request) => request.then(() => 'answered', (error: Error & { code?: string }) => error.code ?? error.message));
    await eventually(async () => (await standInBackends(`query like '%pg_sleep%'`)).length === 3, 'the three requests to be running');

    await terminateStandInBackends();

    // Neon forwards a Postgres error as 400 with its fields; the driver throws it with its code.
    expect(await Promise.all(inFlight)).toEqual(['57P01', '57P01', '57P01']);
    expect(await sql`SELECT count(*)::int AS n FROM notes`).toEqual([{ n: 0 }]);
    await sql`INSERT INTO notes VALUES (2)`;
    expect(await sql`SELECT id FROM notes`).toEqual([{ id: 2 }]);
    await sql`DELETE FROM notes`;
  });

  it('survives its idle connections being terminated, and a connection dying inside a transaction', async () => {
    await served.sql`SELECT 1`; // an idle connection in the pool
    const transaction = backend.transaction(async (run) => {
      await run('INSERT INTO notes VALUES ($1)', ['3']);
      // The connection dies while this transaction holds it between two statements.
      await terminateStandInBackends();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return run('SELECT 1', []);
    });
    // The caller learns what broke the connection (a fast shutdown's FATAL), not pg's "not queryable".
    await expect(transaction).rejects.toMatchObject({ code: '57P01', severity: 'FATAL' });

    expect(await served.sql`SELECT count(*)::int AS n FROM notes`).toEqual([{ n: 0 }]);
  });

  it('answers 500 while PostgreSQL refuses connections, and works again once it is back', async () => {
    await served.sql`SELECT 1`;
    const running = served.sql`SELECT pg_sleep(30)`.then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await eventually(async () => (await standInBackends(`query like '%pg_sleep%'`)).length === 1, 'the request to be running');

    await forwarder.close(); // the server goes: open connections cut, new ones refused
    expect(await running).toMatch(/^Server error \(HTTP status 500\): .*(ECONNRESET|Connection terminated unexpectedly)/);
    await expect(served.sql`SELECT 1`).rejects.toThrow(/^Server error \(HTTP status 500\): .*ECONNREFUSED/);

    await forwarder.open(); // …and comes back on the same address
    expect(await served.sql`SELECT 2 AS n`).toEqual([{ n: 2 }]);
  });
});
