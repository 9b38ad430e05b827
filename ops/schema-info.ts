/** What backup and restore need to know of the live schema: tables, their keys, foreign keys, serials. */
import type { Conn } from './connection.ts';

export type TableInfo = {
  name: string;
  /** Columns written back on restore: every column but the generated ones (recomputed by PostgreSQL). */
  columns: string[];
  generated: string[];
  /** Primary key columns: the order rows are written in, so two backups of equal data are equal. */
  key: string[];
};

export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The public schema's tables, parents before children (the order a restore inserts them in). */
export async function listTables(conn: Conn): Promise<TableInfo[]> {
  const cols = await conn.query<{ table_name: string; column_name: string; is_generated: string }>(
    `select c.table_name, c.column_name, c.is_generated from information_schema.columns c
       join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = 'public' and t.table_type = 'BASE TABLE'
      order by c.table_name, c.ordinal_position`,
  );
  const keys = await conn.query<{ table_name: string; column_name: string }>(
    `select c.relname as table_name, a.attname as column_name
       from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       join lateral unnest(i.indkey) with ordinality as k(attnum, pos) on true
       join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
      where n.nspname = 'public' and i.indisprimary order by c.relname, k.pos`,
  );
  const fks = await conn.query<{ child: string; parent: string }>(
    `select c.relname as child, p.relname as parent from pg_constraint f
       join pg_class c on c.oid = f.conrelid join pg_class p on p.oid = f.confrelid
       join pg_namespace n on n.oid = c.relnamespace
      where f.contype = 'f' and n.nspname = 'public'`,
  );
  const tables = new Map<string, TableInfo>();
  for (const c of cols) {
    const t = tables.get(c.table_name) ?? { name: c.table_name, columns: [], generated: [], key: [] };
    (c.is_generated === 'ALWAYS' ? t.generated : t.columns).push(c.column_name);
    tables.set(c.table_name, t);
  }
  for (const k of keys) tables.get(k.table_name)?.key.push(k.column_name);
  // Parents first (a depth-first walk of the foreign keys), names in order otherwise.
  const ordered: TableInfo[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !tables.has(name)) return;
    seen.add(name);
    for (const f of fks) if (f.child === name && f.parent !== name) visit(f.parent);
    ordered.push(tables.get(name)!);
  };
  for (const name of [...tables.keys()].sort()) visit(name);
  return ordered;
}

/** Rows per table, only for tables that exist (a database never migrated has none). */
export async function countRows(conn: Conn, tables: TableInfo[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const t of tables) {
    const [row] = await conn.query<{ n: number }>(`select count(*)::int as n from ${quote(t.name)}`);
    counts.set(t.name, Number(row?.n ?? 0));
  }
  return counts;
}
