/** The Neon HTTP stand-in and the databases it can serve (see neon-stand-in.ts). */
export { createNeonStandIn } from './neon-stand-in.ts';
export type { NeonStandIn, NeonStandInOptions } from './neon-stand-in.ts';
export { pgliteBackend } from './pglite-backend.ts';
export { postgresBackend } from './postgres-backend.ts';
export type { RawField, RawResult, RunSql, SqlBackend, SqlParams, TransactionOptions } from './sql-backend.ts';
