import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/**
 * The contrib extensions the migrations create (the knowledge base's search). Every PGlite that opens
 * the local data must load them (the dev stack, `npm run db:migrate`, backups), or the migrations and
 * the searches that use them fail.
 */
export const PGLITE_EXTENSIONS = { pg_trgm, unaccent };
