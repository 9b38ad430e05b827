import { sql } from 'drizzle-orm';
import type { Db } from '../../shared/db.ts';
import { FREE_TIERS } from './free-tiers.ts';

export type Storage = {
  /** The database's size on disk (pg_database_size: tables, indexes, TOAST), what Neon's storage tier counts. */
  databaseBytes: number;
  databaseLimitBytes: number;
  /** databaseBytes / databaseLimitBytes, in percent, one decimal. */
  databasePercent: number;
  /** Media files kept in the bucket, and their bytes, as recorded on their messages. */
  mediaFiles: number;
  mediaBytes: number;
};

/**
 * What this deployment keeps, in one query. pg_database_size works on Neon, PostgreSQL and PGlite
 * alike. The media sum reads every media message's row (no index for it): fine at free-tier sizes,
 * and it is read only when someone opens the usage page.
 */
export async function readStorage(db: Db): Promise<Storage> {
  const result = (await db.execute(sql`
    select pg_database_size(current_database())::text as database_bytes, m.files::text as media_files, m.bytes::text as media_bytes
    from (
      select count(*) as files, coalesce(sum((media->'stored'->>'size')::bigint), 0) as bytes
      from messages where media->'stored' is not null
    ) m`)) as unknown as { rows: { database_bytes: string; media_files: string; media_bytes: string }[] };
  const row = result.rows[0]!;
  const databaseBytes = Number(row.database_bytes);
  return {
    databaseBytes,
    databaseLimitBytes: FREE_TIERS.neonStorageBytes,
    databasePercent: Math.round((databaseBytes / FREE_TIERS.neonStorageBytes) * 1000) / 10,
    mediaFiles: Number(row.media_files),
    mediaBytes: Number(row.media_bytes),
  };
}
