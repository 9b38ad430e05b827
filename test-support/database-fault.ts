import pg from 'pg';

export type DatabaseFaultOptions = {
  /** The table whose writes are refused. */
  table: string;
  on: 'insert' | 'update';
  /** A PL/pgSQL condition over `old`/`new` that picks the refused writes; default every write. */
  when?: string;
  /** Refuse only the first n matching writes; default until `lift()`. */
  times?: number;
};

export type DatabaseFault = {
  /** How many writes were refused so far (a sequence: not rolled back with the refused write). */
  refusals(): Promise<number>;
  /** The database takes those writes again. */
  lift(): Promise<void>;
  /** Removes the fault and closes its connection. */
  remove(): Promise<void>;
};

let serial = 0;

/**
 * A real PostgreSQL error on chosen writes: a trigger raises for them, as a database outage or a
 * failing statement would, so the product meets the fault through its real client and the stand-in.
 */
export async function injectDatabaseFault(databaseUrl: string, options: DatabaseFaultOptions): Promise<DatabaseFault> {
  const name = `injected_fault_${process.pid}_${++serial}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const limit = options.times === undefined ? '' : `and currval('${name}_refused') <= ${options.times}`;
  await admin.query(`
    create table ${name}_on (on_since timestamptz);
    insert into ${name}_on values (now());
    create sequence ${name}_refused;
    create function ${name}() returns trigger language plpgsql as $$
    begin
      if (${options.when ?? 'true'}) and exists (select 1 from ${name}_on) then
        perform nextval('${name}_refused');
        if true ${limit} then raise exception 'injected outage: the database refused this write'; end if;
      end if;
      return new;
    end $$;
    create trigger ${name} before ${options.on} on ${options.table} for each row execute function ${name}();`);
  return {
    async refusals() {
      const { rows } = await admin.query<{ last_value: string; is_called: boolean }>(`select last_value, is_called from ${name}_refused`);
      const seen = rows[0]!.is_called ? Number(rows[0]!.last_value) : 0;
      return options.times === undefined ? seen : Math.min(seen, options.times);
    },
    async lift() {
      await admin.query(`delete from ${name}_on`);
    },
    async remove() {
      try {
        await admin.query(`drop trigger ${name} on ${options.table}; drop function ${name}(); drop sequence ${name}_refused; drop table ${name}_on;`);
      } finally {
        await admin.end();
      }
    },
  };
}
