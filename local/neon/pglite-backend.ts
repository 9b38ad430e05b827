import { mkdir } from 'node:fs/promises';
import { PGlite, protocol } from '@electric-sql/pglite';
import { PGLITE_EXTENSIONS as extensions } from './pglite-extensions.ts';
import { lockPgliteFolder } from './pglite-lock.ts';
import { createSerialQueue } from './serial-queue.ts';
import { inTransaction, toRawField, parseCommandTag } from './sql-backend.ts';
import type { RawResult, RunSql, SqlBackend, SqlParams } from './sql-backend.ts';

const { messages, serialize } = protocol;
type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

/**
 * PGlite behind the stand-in. It speaks to PGlite in wire-protocol messages rather than through
 * `query()`, so that it gets what a Postgres server really sent: the full RowDescription and every
 * value as unparsed text. (`query()` runs values through its own parsers and serializers, and its
 * bytea serializer refuses the "\x…" text the driver sends.)
 *
 * `dataDir` undefined keeps the database in memory; otherwise it lives in that folder, which no
 * other process may have open (it throws PgliteFolderInUse naming the one that has); `owner` is how
 * this process is named to the ones it refuses.
 */
export function pgliteBackend(dataDir: string | undefined, owner = 'npm run dev'): SqlBackend {
  const release = dataDir === undefined ? () => undefined : lockPgliteFolder(dataDir, owner);
  const opening = openPglite(dataDir);
  // A failed open is reported by the first request; this keeps it from being an unhandled rejection.
  opening.catch(() => undefined);
  const queue = createSerialQueue();
  let closed = false;

  /**
   * Runs a job alone on the one connection (the queue is the only lock: nothing else uses this
   * PGlite), and never lets it leave that connection inside a transaction.
   */
  function exclusive<T>(job: (run: RunSql) => Promise<T>): Promise<T> {
    return queue.run(async () => {
      if (closed) throw new Error('the PGlite backend is closed');
      const db = await opening;
      let status = 'I';
      const run: RunSql = async (text, params) => {
        const outcome = await runOnPglite(db, text, params);
        status = outcome.status;
        if (outcome.error) throw outcome.error;
        return outcome.result;
      };
      try {
        return await job(run);
      } finally {
        // Neon ends the session with the request; here the session is shared by all requests, so a
        // stray BEGIN (or a batch that failed) would otherwise swallow every later statement.
        if (status !== 'I') await run('ROLLBACK', []);
      }
    });
  }

  return {
    kind: 'pglite',
    query: (text, params) => exclusive((run) => run(text, params)),
    transaction: (fn, options) => exclusive((run) => inTransaction(run, fn, options)),
    async close() {
      await queue.run(async () => {
        if (closed) return;
        closed = true;
        const db = await opening.catch(() => undefined);
        await db?.close();
        release();
      });
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir === undefined) return await PGlite.create({ extensions });
  // PGlite creates the folder itself but not its parents (e.g. "<data dir>/pglite" on a first run).
  await mkdir(dataDir, { recursive: true });
  return await PGlite.create({ dataDir, extensions });
}

type Outcome = { result: RawResult; error: Error | undefined; status: string };

/**
 * One round trip through the extended protocol (Parse, Bind with text values, Describe, Execute),
 * with or without values, as the Neon proxy does: PostgreSQL then refuses a text of several
 * statements ("cannot insert multiple commands into a prepared statement") exactly as Neon does.
 * Sync ends it, and the reply's ReadyForQuery tells whether the connection is inside a transaction.
 */
async function runOnPglite(db: PGlite, text: string, params: SqlParams): Promise<Outcome> {
  const request = concat([
    serialize.parse({ text }),
    serialize.bind({ values: [...params] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  const { messages: replies } = await db.execProtocol(request, { throwOnError: false });
  return collect(replies);
}

/** Folds the server's replies into the statement's result, or the error it met. */
function collect(replies: BackendMessage[]): Outcome {
  const result: RawResult = { command: null, rowCount: null, fields: [], rows: [] };
  let error: Error | undefined;
  let status = 'I';
  for (const reply of replies) {
    if (reply instanceof messages.RowDescriptionMessage) {
      result.fields = reply.fields.map(toRawField);
    } else if (reply instanceof messages.DataRowMessage) {
      result.rows.push(reply.fields);
    } else if (reply instanceof messages.CommandCompleteMessage) {
      Object.assign(result, parseCommandTag(reply.text));
    } else if (reply instanceof messages.DatabaseError) {
      error ??= reply;
    } else if (reply instanceof messages.ReadyForQueryMessage) {
      status = reply.status;
    }
  }
  return { result, error, status };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
