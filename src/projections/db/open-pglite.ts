import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/**
 * An embedded PGlite with the extensions film search needs (`unaccent`, `pg_trgm`); PGlite
 * can only load an extension when it starts. `dataDir` unset: in memory.
 */
export function openPglite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { pg_trgm, unaccent } });
}
