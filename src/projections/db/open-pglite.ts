import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/** What a caller may add when opening: `loadDataDir` starts from a dump instead of initdb. */
export type OpenPgliteOptions = Pick<PGliteOptions, 'loadDataDir'>;

/**
 * An embedded PGlite with the extensions film search needs (`unaccent`, `pg_trgm`); PGlite
 * can only load an extension when it starts. `dataDir` unset: in memory.
 */
export function openPglite(dataDir?: string, options: OpenPgliteOptions = {}): Promise<PGlite> {
  return PGlite.create(dataDir, { ...options, extensions: { pg_trgm, unaccent } });
}
