import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { isUuid } from '../../domain/ids.js';
import type { Db } from '../../projections/db/database.js';
import {
  type SearchExtensions,
  searchExtensions,
  unaccented,
} from '../../projections/db/search-extensions.js';
import { ApiError } from '../api-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { type Film, filmColumns, toFilm } from './film-queries.js';

/** Orders a search can be sorted in. */
export const FILM_SORTS = ['relevance', 'title', 'year', 'rating', 'popular'] as const;
export type FilmSort = (typeof FILM_SORTS)[number];

/** Filters, order and page of a catalogue search. */
export interface FilmSearch {
  /** Full-text: every word must match (the last ones as prefixes), ranked by relevance. */
  readonly q?: string | undefined;
  readonly genre?: string | undefined;
  readonly year?: number | undefined;
  readonly yearFrom?: number | undefined;
  readonly yearTo?: number | undefined;
  readonly minRating?: number | undefined;
  /** A name (or part of one, whole words) in the cast or among the directors. */
  readonly person?: string | undefined;
  readonly sort?: FilmSort | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

const MAX_TERMS = 8;

/** Each order: its key expression, direction and the SQL type its cursor value is cast to. */
interface Order {
  readonly key: RawBuilder<unknown>;
  readonly direction: 'asc' | 'desc';
  readonly type: 'text' | 'integer' | 'numeric';
}

function orderOf(sort: FilmSort, query: RawBuilder<unknown> | undefined): Order {
  switch (sort) {
    case 'relevance':
      // Rounded to a numeric so that the cursor holds the exact key, not a float's rendering.
      return {
        key: sql`round(ts_rank(films.search, ${query})::numeric, 6)`,
        direction: 'desc',
        type: 'numeric',
      };
    case 'title':
      return { key: sql`films.title`, direction: 'asc', type: 'text' };
    case 'year':
      return { key: sql`films.year`, direction: 'desc', type: 'integer' };
    case 'rating':
      return { key: sql`coalesce(films.rating, -1)`, direction: 'desc', type: 'numeric' };
    case 'popular':
      return {
        key: sql`(films.want_count + films.like_count)`,
        direction: 'desc',
        type: 'integer',
      };
    default: {
      const _: never = sort;
      throw new Error(`unknown sort ${String(_)}`);
    }
  }
}

/** Words of `q` as the search document splits them (letters and digits). */
export function queryTerms(q: string | undefined): string[] {
  if (!q) return [];
  return q
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length > 0)
    .slice(0, MAX_TERMS);
}

/**
 * The terms, unaccented, each replaced by the closest word of the catalogue's lexicon (trigram
 * similarity) when no film has a word starting with it: a typo still finds its film.
 */
async function correctedTerms(db: Db, ext: SearchExtensions, terms: string[]): Promise<string[]> {
  const trgm = sql.raw(ext.trgm);
  const { rows } = await sql<{ term: string }>`
    SELECT coalesce(
      (SELECT t.term WHERE EXISTS (
        SELECT 1 FROM films WHERE films.search @@ to_tsquery('simple', quote_literal(t.term) || ':*'))),
      (SELECT w.word FROM film_words w
        WHERE w.word OPERATOR(${trgm}.%) t.term
        ORDER BY w.word OPERATOR(${trgm}.<->) t.term, w.word LIMIT 1),
      t.term) AS term
    FROM unnest(${terms}::text[]) WITH ORDINALITY AS raw(term, n),
      LATERAL (SELECT ${unaccented(ext, sql`raw.term`)} AS term) AS t
    ORDER BY raw.n`.execute(db);
  return rows.map((row) => row.term);
}

/** A fingerprint of the filters: a cursor is only valid for the search that issued it. */
function fingerprint(search: FilmSearch, sort: FilmSort): string {
  const { q, genre, year, yearFrom, yearTo, minRating, person } = search;
  const filters = JSON.stringify([sort, q, genre, year, yearFrom, yearTo, minRating, person]);
  return createHash('sha256').update(filters).digest('base64url').slice(0, 16);
}

function afterKey(cursor: string, expected: string): { key: string; id: string } {
  const decoded = decodeCursor(cursor, ['f', 'k', 'id']);
  if (decoded.f !== expected || !isUuid(decoded.id)) {
    throw new ApiError('invalid_cursor', 'the cursor belongs to another search or sort');
  }
  return { key: decoded.k, id: decoded.id };
}

/** One page of films matching the search, in the requested order (relevance by default with q). */
export async function searchFilms(
  db: Db,
  search: FilmSearch,
): Promise<{ items: Film[]; nextCursor: string | null }> {
  const ext = await searchExtensions(db);
  const terms = queryTerms(search.q);
  const tsQuery =
    terms.length === 0
      ? undefined
      : sql`to_tsquery('simple', ${(await correctedTerms(db, ext, terms))
          .map((term) => `${quoteLexeme(term)}:*`)
          .join(' & ')})`;
  // Relevance needs words to rank by; without them it is the title order.
  const sort =
    search.sort === 'relevance' && !tsQuery
      ? 'title'
      : (search.sort ?? (tsQuery ? 'relevance' : 'title'));
  const order = orderOf(sort, tsQuery);
  const filter = fingerprint(search, sort);
  let query = filmsOf(db, ext, search.person)
    .select(filmColumns)
    .select(sql<string>`(${order.key})::text`.as('sort_key'));
  if (tsQuery) query = query.where(sql<boolean>`films.search @@ ${tsQuery}`);
  // A q of punctuation alone has no word to match: it finds nothing rather than everything.
  else if (search.q) query = query.where(sql<boolean>`false`);
  if (search.genre)
    query = query.where(sql<boolean>`films.genres @> ARRAY[${search.genre}]::text[]`);
  if (search.year !== undefined) query = query.where('films.year', '=', search.year);
  if (search.yearFrom !== undefined) query = query.where('films.year', '>=', search.yearFrom);
  if (search.yearTo !== undefined) query = query.where('films.year', '<=', search.yearTo);
  if (search.minRating !== undefined) {
    query = query.where(sql<boolean>`films.rating >= ${search.minRating}`);
  }
  if (search.cursor !== undefined) {
    const after = afterKey(search.cursor, filter);
    const op = sql.raw(order.direction === 'asc' ? '>' : '<');
    const key = sql`${after.key}::${sql.raw(order.type)}`;
    query = query.where(sql<boolean>`(${order.key}, films.id) ${op} (${key}, ${after.id}::uuid)`);
  }
  const direction = sql.raw(order.direction);
  const rows = await query
    .orderBy(sql`${order.key} ${direction}`)
    .orderBy(sql`films.id ${direction}`)
    .limit(search.limit + 1)
    .execute();
  return toPage(rows, search.limit, toFilm, (row) => ({ f: filter, k: row.sort_key, id: row.id }));
}

/**
 * The films searched: all of them, or a person's films, found through the people index before
 * anything else. A filmography is a few hundred films at most, so they are then filtered and
 * sorted in memory. Left as a filter, the planner may walk a sort index (title, year, …) testing
 * every film's people on the way: for a name whose films sort late that reads most of the
 * catalogue (30–130 ms on 12,000 films). OFFSET 0 keeps the subquery from being merged back.
 */
function filmsOf(db: Db, ext: SearchExtensions, person: string | undefined) {
  if (!person) return db.selectFrom('films');
  const name = unaccented(ext, sql`${person}`);
  return db.selectFrom((eb) =>
    eb
      .selectFrom('films')
      .selectAll()
      .where(sql<boolean>`films.people @@ phraseto_tsquery('simple', ${name})`)
      .offset(0)
      .as('films'),
  );
}

/** A term as a tsquery lexeme: quoted, so that no character of it reads as an operator. */
function quoteLexeme(term: string): string {
  return `'${term.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
}
