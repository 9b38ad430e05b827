/**
 * A PostgreSQL cluster of the test's own (initdb into a temporary folder, on a free port), so a fault
 * test can restart or stop it without touching the shared server on :5432 that other tests use.
 */
import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../local/free-port.ts';
import { eventually } from './eventually.ts';

const run = promisify(execFile);

/** The newest installed server's binaries (Debian's layout), or PG_BIN when set. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const versions = readdirSync('/usr/lib/postgresql')
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server found under /usr/lib/postgresql (set PG_BIN)');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user. */
const asServerUser = (file: string, args: string[]) =>
  process.getuid?.() === 0 ? (['runuser', ['-u', 'postgres', '--', file, ...args]] as const) : ([file, args] as const);

export type PrivatePostgres = {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** `pg_ctl restart -m fast`: every connection is cut (57P01), the server is back when this resolves. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const root = mkdtempSync(join(tmpdir(), 'pg-private-'));
  const data = join(root, 'data');
  if (process.getuid?.() === 0) {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    chownSync(root, Number(uid.stdout), Number(gid.stdout));
  }
  const port = await freePort();
  const pgCtl = async (...args: string[]) => {
    const [file, argv] = asServerUser(join(bin, 'pg_ctl'), ['-D', data, ...args]);
    await run(file, [...argv], { timeout: 60_000 });
  };

  const [file, argv] = asServerUser(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  await run(file, [...argv], { timeout: 60_000 });
  // Unix sockets in the private folder (never /var/run/postgresql, the shared server's); no fsync: a
  // test cluster trades durability across power loss for speed (a fast restart still loses nothing).
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  await pgCtl('start', '-w', '-l', join(root, 'server.log'), '-o', options);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const ready = () => eventually(() => canConnect(url), `the private PostgreSQL on :${port}`, 30_000);
  await ready();
  let stopped = false;
  return {
    url,
    port,
    async restart() {
      await pgCtl('restart', '-w', '-m', 'fast', '-l', join(root, 'server.log'), '-o', options);
      await ready();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await pgCtl('stop', '-w', '-m', 'immediate').catch(() => undefined);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}
