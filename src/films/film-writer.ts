import { sql } from 'kysely';
import type { Db } from '../projections/db/database.js';
import { type SearchExtensions, searchExtensions } from '../projections/db/search-extensions.js';
import { recordFilmsAdded } from '../projections/tracking/film-facts.js';
import type { FilmRecord, FilmSource } from './film-record.js';

/** A film to write, with where it came from. */
export interface SourcedFilm extends FilmRecord, FilmSource {}

/** How many rows a write inserted and updated (a film whose facts did not change is neither). */
export interface WriteCount {
  readonly inserted: number;
  readonly updated: number;
}

const COLUMNS = [
  'title',
  'original_title',
  'year',
  'genres',
  'duration_minutes',
  'description',
  'rating',
  'cast_names',
  'directors',
  'poster_url',
] as const;

/**
 * The weighted search document of a row (`r.` or `excluded.`): titles weigh most, then people,
 * then the description. The `simple` configuration keeps names and foreign titles unstemmed.
 */
function searchDocument(ext: SearchExtensions, row: string) {
  const u = (value: string) => {
    const dictionary = `${ext.unaccent}.unaccent`;
    return `${ext.unaccent}.unaccent('${dictionary.replaceAll("'", "''")}'::regdictionary, ${value})`;
  };
  const search = `setweight(to_tsvector('simple', ${u(`${row}.title || ' ' || ${row}.original_title`)}), 'A')
    || setweight(to_tsvector('simple', ${u(`array_to_string(${row}.directors || ${row}.cast_names, ' ')`)}), 'B')
    || setweight(to_tsvector('simple', ${u(`${row}.description`)}), 'C')`;
  const people = `to_tsvector('simple', ${u(`array_to_string(${row}.directors || ${row}.cast_names, ' , ')`)})`;
  return { search, people };
}

/**
 * Inserts films or updates them in place (same id), keeping their counters and when they were
 * first added; rows whose facts are unchanged are left alone. Refreshes the typo lexicon and
 * records a `film_added` tracking event for each new film.
 */
export async function writeFilms(
  db: Db,
  films: readonly SourcedFilm[],
  now: Date,
): Promise<WriteCount> {
  if (films.length === 0) return { inserted: 0, updated: 0 };
  const ext = await searchExtensions(db);
  const fresh = searchDocument(ext, 'r');
  const excluded = searchDocument(ext, 'excluded');
  const rows = JSON.stringify(films.map(toRow));
  const changed = COLUMNS.map((c) => `films.${c}`).join(', ');
  const incoming = COLUMNS.map((c) => `excluded.${c}`).join(', ');
  const { rows: written } = await sql<{ inserted: boolean }>`
    INSERT INTO films (id, ${sql.raw(COLUMNS.join(', '))}, source, source_id, added_at, updated_at,
      search, people)
    SELECT r.id, ${sql.raw(COLUMNS.map((c) => `r.${c}`).join(', '))}, r.source, r.source_id,
      ${now}::timestamptz, ${now}::timestamptz, ${sql.raw(fresh.search)}, ${sql.raw(fresh.people)}
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(id uuid, title text, original_title text,
      year integer, genres text[], duration_minutes integer, description text,
      rating numeric(3,1), cast_names text[], directors text[], poster_url text, source text,
      source_id text)
    ON CONFLICT (id) DO UPDATE SET
      ${sql.raw(COLUMNS.map((c) => `${c} = excluded.${c}`).join(', '))},
      updated_at = excluded.updated_at,
      search = ${sql.raw(excluded.search)},
      people = ${sql.raw(excluded.people)}
    WHERE (${sql.raw(changed)}) IS DISTINCT FROM (${sql.raw(incoming)})
    RETURNING (xmax = 0) AS inserted`.execute(db);
  await refreshLexicon(db);
  // Vendors' additions become tracking facts (films added per month).
  await recordFilmsAdded(db, now);
  const inserted = written.filter((r) => r.inserted).length;
  return { inserted, updated: written.length - inserted };
}

/** Adds the words of every film's search document to `film_words` (typo correction). */
async function refreshLexicon(db: Db): Promise<void> {
  await sql`INSERT INTO film_words (word)
    SELECT word FROM ts_stat('SELECT search FROM films') WHERE length(word) >= 3
    ON CONFLICT (word) DO NOTHING`.execute(db);
}

function toRow(film: SourcedFilm) {
  return {
    id: film.id,
    title: film.title,
    original_title: film.originalTitle,
    year: film.year,
    genres: film.genres,
    duration_minutes: film.durationMinutes,
    description: film.description,
    rating: film.rating === null ? null : Math.round(film.rating * 10) / 10,
    cast_names: film.cast,
    directors: film.directors,
    poster_url: film.posterUrl,
    source: film.source,
    source_id: film.sourceId,
  };
}
