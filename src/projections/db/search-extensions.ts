import { type Kysely, type RawBuilder, sql } from 'kysely';

/** The schemas `unaccent` and `pg_trgm` live in, as quoted identifiers for SQL text. */
export interface SearchExtensions {
  readonly unaccent: string;
  readonly trgm: string;
}

const EXTENSIONS = ['unaccent', 'pg_trgm'] as const;
// Two processes (or two test files) creating one extension at once: one of them loses the race
// on pg_extension's unique index or on the extension's objects; the winner's copy is fine.
const RACE = new Set(['23505', '42710']);

/**
 * Creates the search extensions in `public` unless the database already has them (anywhere).
 * Runs outside the migrations' transaction, where a lost race would abort everything after it.
 * Both are trusted extensions: a database owner without superuser rights may create them.
 */
export async function installSearchExtensions<DB>(db: Kysely<DB>): Promise<void> {
  for (const name of EXTENSIONS) {
    try {
      await sql`CREATE EXTENSION IF NOT EXISTS ${sql.id(name)} WITH SCHEMA public`.execute(db);
    } catch (error) {
      if (!RACE.has(String((error as { code?: unknown }).code))) throw error;
    }
  }
}

const cache = new WeakMap<object, Promise<SearchExtensions>>();

/**
 * Where the extensions are: a per-schema search_path (tests, DATABASE_SCHEMA) need not include
 * their schema, so every use is schema-qualified.
 */
export function searchExtensions<DB>(db: Kysely<DB>): Promise<SearchExtensions> {
  let found = cache.get(db);
  if (!found) {
    found = lookUp(db);
    cache.set(db, found);
    found.catch(() => cache.delete(db));
  }
  return found;
}

async function lookUp<DB>(db: Kysely<DB>): Promise<SearchExtensions> {
  const { rows } = await sql<{ name: string; schema: string }>`
    SELECT e.extname AS name, quote_ident(n.nspname) AS schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname IN ('unaccent', 'pg_trgm')`.execute(db);
  const schemaOf = (name: string) => {
    const row = rows.find((r) => r.name === name);
    if (!row) throw new Error(`the ${name} extension is not installed: run the migrations`);
    return row.schema;
  };
  return { unaccent: schemaOf('unaccent'), trgm: schemaOf('pg_trgm') };
}

/**
 * `unaccent(value)` through its dictionary by qualified name: the one-argument form looks the
 * dictionary up on the search_path and fails where the extension's schema is not on it.
 */
export function unaccented(ext: SearchExtensions, value: RawBuilder<unknown>): RawBuilder<string> {
  const dictionary = `${ext.unaccent}.unaccent`;
  return sql<string>`${sql.raw(ext.unaccent)}.unaccent(${dictionary}::regdictionary, ${value})`;
}
