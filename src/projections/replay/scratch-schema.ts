import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Tx } from '../db/database.js';
import { readModelMigrations } from '../db/migrate.js';
import { FILM_COUNTERS } from '../read-models.js';

/** A throw-away schema with fresh read-model tables, for a rebuild or a comparison. */
export interface ScratchSchema {
  readonly name: string;
  /** The schema the live read models are served from. */
  readonly live: string;
  /** Bound to the scratch schema: projections applied through it write there. */
  readonly db: Db;
  /** Drops the schema and whatever is still in it. */
  drop(): Promise<void>;
}

/** The schema unqualified table names resolve to (the live read models). */
export async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined) throw new Error('no current schema: check the search_path');
  return schema;
}

/**
 * Creates `cowatch_rebuild_<random>` with every read-model table (the same migrations as the
 * live schema, so indexes and constraints match) and a copy of the live films, which the
 * screenings projection reads, with the counters the social projection keeps back at zero: a
 * replay counts them anew.
 */
export async function createScratchSchema(db: Db): Promise<ScratchSchema> {
  const live = await currentSchema(db);
  const name = `cowatch_rebuild_${randomBytes(6).toString('hex')}`;
  await sql`CREATE SCHEMA ${sql.id(name)}`.execute(db);
  const drop = async () => {
    await sql`DROP SCHEMA IF EXISTS ${sql.id(name)} CASCADE`.execute(db);
  };
  const scratch = db.withSchema(name);
  try {
    // The migrations' `up` without Kysely's Migrator: the scratch schema is thrown away, so it
    // needs no bookkeeping, and the Migrator's introspection of every schema in the database
    // fails when another one is dropped meanwhile.
    const migrations = await readModelMigrations.getMigrations();
    for (const key of Object.keys(migrations).sort()) await migrations[key]?.up(scratch);
    await sql`INSERT INTO ${sql.table(`${name}.films`)}
      SELECT * FROM ${sql.table(`${live}.films`)}`.execute(db);
    await resetFilmCounters(scratch);
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, live, db: scratch, drop };
}

/** Sets the films' counters back to their default (zero), before a replay counts them. */
export async function resetFilmCounters(db: Db | Tx): Promise<void> {
  const reset = Object.fromEntries(FILM_COUNTERS.columns.map((column) => [column, sql`DEFAULT`]));
  await db.updateTable(FILM_COUNTERS.table).set(reset).execute();
}
