/**
 * Baileys' auth state in Postgres: creds in wa_auth_creds, every Signal key type in wa_auth_keys.
 * Baileys batches the key writes of one transaction into one `keys.set()`; it lands in one `db.batch`
 * (a single database transaction over Neon's HTTP driver), so a crash never leaves half a batch.
 */
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { waAuthCreds, waAuthKeys } from '../drizzle/schema.ts';
import type { Db } from '../shared/db.ts';

export type PostgresAuthState = {
  state: AuthenticationState;
  /** Persists the creds object Baileys mutates in place; call on every `creds.update`. */
  saveCreds(): Promise<void>;
  /** Forgets the link: creds and keys. The next socket needs a new QR scan or pairing code. */
  clear(): Promise<void>;
};

const encode = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const decode = (text: string): unknown => JSON.parse(text, BufferJSON.reviver);

export async function usePostgresAuthState(db: Db, sessionId: string): Promise<PostgresAuthState> {
  const [row] = await db.select({ creds: waAuthCreds.creds }).from(waAuthCreds).where(eq(waAuthCreds.sessionId, sessionId));
  const creds = row ? (decode(row.creds) as AuthenticationCreds) : initAuthCreds();

  // Writes are chained so that two quick `creds.update`s cannot land in the wrong order.
  let writing: Promise<void> = Promise.resolve();
  const saveCreds = () => {
    const text = encode(creds);
    const write = async () => {
      await db
        .insert(waAuthCreds)
        .values({ sessionId, creds: text })
        .onConflictDoUpdate({ target: waAuthCreds.sessionId, set: { creds: text, updatedAt: sql`now()` } });
    };
    writing = writing.then(write, write);
    return writing;
  };
  // Fresh creds hold the noise and identity keys the QR is built from: keep them from the first moment.
  if (!row) await saveCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const out: { [id: string]: SignalDataTypeMap[T] } = {};
      if (ids.length === 0) return out;
      const rows = await db
        .select({ id: waAuthKeys.id, value: waAuthKeys.value })
        .from(waAuthKeys)
        .where(and(eq(waAuthKeys.sessionId, sessionId), eq(waAuthKeys.type, type), inArray(waAuthKeys.id, ids)));
      for (const r of rows) {
        let value = decode(r.value);
        // As Baileys' own file store does: this one type must be a protobuf object, not a plain one.
        if (type === 'app-state-sync-key' && value) {
          value = proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>);
        }
        out[r.id] = value as SignalDataTypeMap[T];
      }
      return out;
    },

    async set(data: SignalDataSet) {
      const upserts: { sessionId: string; type: string; id: string; value: string }[] = [];
      const deletes: SQL[] = [];
      for (const [type, entries] of Object.entries(data)) {
        const gone: string[] = [];
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) gone.push(id);
          else upserts.push({ sessionId, type, id, value: encode(value) });
        }
        if (gone.length) deletes.push(and(eq(waAuthKeys.type, type), inArray(waAuthKeys.id, gone))!);
      }
      const statements = [];
      if (deletes.length) {
        statements.push(db.delete(waAuthKeys).where(and(eq(waAuthKeys.sessionId, sessionId), or(...deletes))));
      }
      if (upserts.length) {
        statements.push(
          db
            .insert(waAuthKeys)
            .values(upserts)
            .onConflictDoUpdate({
              target: [waAuthKeys.sessionId, waAuthKeys.type, waAuthKeys.id],
              set: { value: sql`excluded.value` },
            }),
        );
      }
      const [first, ...rest] = statements;
      if (first) await db.batch([first, ...rest]);
    },

    async clear() {
      await db.delete(waAuthKeys).where(eq(waAuthKeys.sessionId, sessionId));
    },
  };

  return {
    state: { creds, keys },
    saveCreds,
    async clear() {
      await writing.catch(() => undefined);
      await db.batch([
        db.delete(waAuthKeys).where(eq(waAuthKeys.sessionId, sessionId)),
        db.delete(waAuthCreds).where(eq(waAuthCreds.sessionId, sessionId)),
      ]);
    },
  };
}
