/**
 * The database `npm run backup` reads and `npm run restore` writes, resolved as `npm run db:migrate`
 * resolves it: DATABASE_URL (a plain PostgreSQL, or Neon, which speaks the same wire protocol at the
 * same URL) through node-postgres, and without DATABASE_URL the local PGlite data under DATA_DIR.
 * One connection either way, so that BEGIN … COMMIT spans every statement (a snapshot, one transaction).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { lockPgliteFolder } from '../local/neon/pglite-lock.ts';

export type Conn = {
  label: string;
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
};

export type TargetEnv = { DATABASE_URL?: string; DATA_DIR?: string };

export async function openTarget(env: TargetEnv, command: string): Promise<Conn> {
  if (!env.DATABASE_URL) {
    const dir = resolve(env.DATA_DIR || '.data', 'pglite');
    // `npm run dev` may have these files open; PGlite allows one process per folder (pglite-lock.ts).
    const release = lockPgliteFolder(dir, command);
    mkdirSync(dir, { recursive: true });
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGLITE_EXTENSIONS } = await import('../local/neon/pglite-extensions.ts');
    const client = new PGlite(dir, { extensions: PGLITE_EXTENSIONS });
    return {
      label: `the local PGlite database in ${dir}`,
      query: async <R>(text: string, params?: unknown[]) => (await client.query<R>(text, params)).rows,
      async close() {
        await client.close();
        release();
      },
    };
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: env.DATABASE_URL, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  const url = new URL(env.DATABASE_URL);
  if (url.password) url.password = '***';
  return {
    label: url.toString(),
    query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[],
    close: () => client.end(),
  };
}
