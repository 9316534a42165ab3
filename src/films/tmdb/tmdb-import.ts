import { v5 } from 'uuid';
import type { Db } from '../../projections/db/database.js';
import { filmRecordSchema } from '../film-record.js';
import { type SourcedFilm, writeFilms } from '../film-writer.js';
import { type TmdbClient, TmdbError } from './tmdb-client.js';
import { type TmdbMovie, tmdbMovieSchema, tmdbPageSchema } from './tmdb-schemas.js';

/** What to import: explicit ids, the results of search terms, or the popular list. */
export interface TmdbSelection {
  readonly ids: readonly number[];
  readonly terms: readonly string[];
  readonly popular: boolean;
  /** How many result pages of each search or of the popular list. */
  readonly pages: number;
}

/** One film that could not be imported, and why. */
export interface ImportFailure {
  readonly tmdbId: number;
  readonly reason: string;
}

export interface ImportReport {
  readonly found: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly cached: number;
  readonly failures: readonly ImportFailure[];
}

export interface ImportOptions {
  readonly concurrency: number;
  readonly now: () => Date;
  /** Called after each film, with how many are done of how many. */
  readonly progress?: (done: number, total: number) => void;
}

// Film ids of imported films derive from the source's id: a re-import finds the same row.
const TMDB_NAMESPACE = '6f1d1c9e-3b0a-4c52-9d7e-2a8f4b6c1e30';
const POSTERS = 'https://image.tmdb.org/t/p/w500';
const BATCH = 50;

/** The catalogue id of a TMDB film. */
export function filmIdOf(tmdbId: number): string {
  return v5(`tmdb:${tmdbId}`, TMDB_NAMESPACE);
}

/** Imports the selection into `films`: idempotent by TMDB id, errors reported per film. */
export async function importFromTmdb(
  db: Db,
  client: TmdbClient,
  selection: TmdbSelection,
  options: ImportOptions,
): Promise<ImportReport> {
  const failures: ImportFailure[] = [];
  const ids = await collectIds(client, selection);
  const films: SourcedFilm[] = [];
  let cached = 0;
  let done = 0;
  await forEachBounded(ids, options.concurrency, async (tmdbId) => {
    try {
      const movie = await client.get(
        `/movie/${tmdbId}`,
        { append_to_response: 'credits' },
        tmdbMovieSchema,
      );
      if (movie.cached) cached += 1;
      films.push(toFilm(movie.value));
    } catch (error) {
      failures.push({ tmdbId, reason: reasonOf(error) });
    }
    done += 1;
    options.progress?.(done, ids.length);
  });
  let inserted = 0;
  let updated = 0;
  // In id order, so that two runs write the same rows in the same order.
  films.sort((a, b) => Number(a.sourceId) - Number(b.sourceId));
  for (let i = 0; i < films.length; i += BATCH) {
    const written = await writeFilms(db, films.slice(i, i + BATCH), options.now());
    inserted += written.inserted;
    updated += written.updated;
  }
  failures.sort((a, b) => a.tmdbId - b.tmdbId);
  const unchanged = films.length - inserted - updated;
  return { found: ids.length, inserted, updated, unchanged, cached, failures };
}

async function collectIds(client: TmdbClient, selection: TmdbSelection): Promise<number[]> {
  const ids = new Set(selection.ids);
  const lists: { path: string; query: Record<string, string> }[] = [
    ...selection.terms.map((query) => ({ path: '/search/movie', query: { query } })),
    ...(selection.popular ? [{ path: '/movie/popular', query: {} }] : []),
  ];
  for (const list of lists) {
    for (let page = 1; page <= selection.pages; page++) {
      const { value } = await client.get(
        list.path,
        { ...list.query, page: String(page) },
        tmdbPageSchema,
      );
      for (const result of value.results) ids.add(result.id);
      if (page >= value.total_pages) break;
    }
  }
  return [...ids];
}

/** A TMDB film as a catalogue record; refuses one the catalogue cannot hold (no release year). */
function toFilm(movie: TmdbMovie): SourcedFilm {
  const year = Number(movie.release_date.slice(0, 4));
  const record = filmRecordSchema.parse({
    id: filmIdOf(movie.id),
    title: movie.title,
    originalTitle: movie.original_title || movie.title,
    year: Number.isInteger(year) && year > 0 ? year : undefined,
    genres: movie.genres.map((g) => g.name.toLowerCase().replaceAll(/\s+/g, '-')),
    durationMinutes: movie.runtime ?? 0,
    description: movie.overview,
    rating: movie.vote_count > 0 ? Math.round(movie.vote_average * 10) / 10 : null,
    cast: [...movie.credits.cast]
      .sort((a, b) => a.order - b.order)
      .slice(0, 10)
      .map((c) => c.name),
    directors: movie.credits.crew.filter((c) => c.job === 'Director').map((c) => c.name),
    posterUrl: movie.poster_path ? `${POSTERS}${movie.poster_path}` : null,
  });
  return { ...record, source: 'tmdb', sourceId: String(movie.id) };
}

function reasonOf(error: unknown): string {
  if (error instanceof TmdbError) return error.message;
  if (error instanceof Error && error.name === 'ZodError')
    return 'TMDB sent a film this catalogue cannot hold';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `task` for every item with at most `limit` at a time. Hand-written: a dozen lines, where
 * a dependency (p-limit) would add an ESM package for the same loop.
 */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
