/**
 * Loads a backup into an empty database, in one transaction: the file is checked whole first
 * (counts and checksums), then the schema is brought to the backup's migration level, the rows are
 * inserted with their ids, the sequences moved past them, and the remaining migrations applied. Any
 * failure rolls everything back: the database is as it was.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { MIGRATIONS_FOLDER } from '../drizzle/migrate.ts';
import type { Conn } from './connection.ts';
import { BackupFileError, readLines, verifyBackup, type Header } from './backup-format.ts';
import type { Progress } from './backup.ts';
import { countRows, listTables, quote } from './schema-info.ts';

/** Rows per insert statement: one jsonb array parameter, well under any statement size limit. */
const INSERT_ROWS = 500;

export class RestoreRefused extends Error {}

export async function restoreBackup(conn: Conn, file: string, progress: Progress): Promise<Header> {
  const header = await verifyBackup(file);
  progress(`restore: ${file} checked: ${header.tables.length} tables, ${header.tables.reduce((n, t) => n + t.rows, 0)} rows, checksums match`);

  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  const level = header.migrations.count;
  if (level > migrations.length) {
    throw new RestoreRefused(`the backup was made by a newer ia_agent (${level} migrations; this one has ${migrations.length}); restore it with that version or newer.`);
  }
  if (level > 0 && migrations[level - 1]!.hash !== header.migrations.lastHash) {
    throw new RestoreRefused(`the backup's migration ${level} differs from this ia_agent's; it was made by another fork or a rewritten history.`);
  }

  await conn.query('begin');
  try {
    const existing = await countRows(conn, await listTables(conn));
    const full = [...existing].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
    if (full.length > 0) {
      const [first, ...rest] = full.map(([t, n], i) => (i === 0 ? `${n} rows in ${t}` : `${n} in ${t}`));
      throw new RestoreRefused(`the database is not empty (${[first, ...rest].join(', ')}); restore needs an empty one.`);
    }
    const applied = await journal(conn);
    if (applied > level) {
      throw new RestoreRefused(`the database is already migrated past the backup (${applied} migrations, the backup ${level}); restore needs a new, empty database.`);
    }
    // The schema the rows were read from, then the rows, then whatever came later.
    await migrate(conn, migrations.slice(applied, level));
    await load(conn, file, header, progress);
    await migrate(conn, migrations.slice(Math.max(level, applied)));
    await conn.query('commit');
  } catch (error) {
    await conn.query('rollback').catch(() => undefined);
    throw error;
  }
  return header;
}

async function journal(conn: Conn): Promise<number> {
  await conn.query('create schema if not exists drizzle');
  await conn.query('create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
  const [row] = await conn.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
  return Number(row?.n ?? 0);
}

/** Applies migrations as drizzle's migrators do (statements, then the journal row), inside our transaction. */
async function migrate(conn: Conn, migrations: ReturnType<typeof readMigrationFiles>): Promise<void> {
  for (const m of migrations) {
    for (const statement of m.sql) if (statement.trim() !== '') await conn.query(statement);
    await conn.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [m.hash, m.folderMillis]);
  }
}

async function load(conn: Conn, file: string, header: Header, progress: Progress): Promise<void> {
  const tables = new Map((await listTables(conn)).map((t) => [t.name, t]));
  const missing = header.tables.find((t) => !tables.has(t.name));
  if (missing) throw new BackupFileError(`${file} has a table ${missing.name} this database's schema does not have.`);
  // One pass: the file holds each table's rows together, parents before children (backup.ts writes
  // them in listTables' order), which is the order foreign keys need.
  let table: string | undefined;
  let batch: string[] = [];
  let rows = 0;
  const flush = async () => {
    if (!table || batch.length === 0) return;
    const cols = tables.get(table)!.columns.map(quote).join(', ');
    await conn.query(
      `insert into ${quote(table)} (${cols}) select ${cols} from jsonb_populate_recordset(null::${quote(table)}, $1::jsonb)`,
      [`[${batch.join(',')}]`],
    );
    batch = [];
  };
  let first = true;
  for await (const line of readLines(file)) {
    if (first) {
      first = false;
      continue;
    }
    const tab = line.indexOf('\t');
    const name = line.slice(0, tab);
    if (name !== table) {
      await flush();
      if (table) progress(`restore: ${table}: ${rows} rows`);
      table = name;
      rows = 0;
    }
    batch.push(line.slice(tab + 1));
    rows++;
    if (batch.length >= INSERT_ROWS) await flush();
  }
  await flush();
  if (table) progress(`restore: ${table}: ${rows} rows`);
  // Serial columns: the next value after the restored ids, so new rows never collide with them.
  const serials = await conn.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
      where table_schema = 'public' and column_default like 'nextval(%'`,
  );
  for (const s of serials) {
    const col = quote(s.column_name);
    await conn.query(
      `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${col}) from ${quote(s.table_name)}), 0) + 1, false)`,
      [quote(s.table_name), s.column_name],
    );
  }
}
