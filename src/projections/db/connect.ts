import type { PGliteInterface } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Database, Db } from './database.js';
import { PgliteDialect } from './pglite-dialect.js';

/** Read models on PostgreSQL, through a pool the caller owns. */
export function readModelsOnPool(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: wrapPool(pool) }) });
}

/** Read models on an embedded PGlite instance shared with the event store. */
export function readModelsOnPglite(db: PGliteInterface): Db {
  return new Kysely<Database>({ dialect: new PgliteDialect(db) });
}

// Kysely ends the pool on destroy; the pool belongs to whoever created it.
function wrapPool(pool: pg.Pool) {
  return {
    connect: () => pool.connect(),
    end: async () => {},
  };
}
