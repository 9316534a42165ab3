import { sql } from 'kysely';
import { z } from 'zod';
import type { Db, FilmRow } from '../../projections/db/database.js';
import { cursorId, cursorText, decodeCursor, toPage } from '../pagination.js';

/** A film as the API shows it. */
export interface Film {
  readonly id: string;
  readonly title: string;
  readonly year: number;
  readonly genres: string[];
  readonly durationMinutes: number;
  readonly description: string;
}

/** Filters and page of a catalogue search. */
export interface FilmSearch {
  /** Case-insensitive substring of the title. */
  readonly q?: string | undefined;
  readonly genre?: string | undefined;
  readonly year?: number | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toFilm(row: FilmRow): Film {
  return {
    id: row.id,
    title: row.title,
    year: row.year,
    genres: row.genres,
    durationMinutes: row.duration_minutes,
    description: row.description,
  };
}

// `\` is the default LIKE escape: a searched `%` or `_` matches itself, not anything.
function likePattern(q: string): string {
  return `%${q.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const filmCursor = z.object({ title: cursorText, id: cursorId });

function afterKey(cursor: string): { title: string; id: string } {
  return decodeCursor(cursor, filmCursor);
}

/** One page of the catalogue, ordered by title then id. */
export async function searchFilms(db: Db, search: FilmSearch) {
  const after = search.cursor === undefined ? undefined : afterKey(search.cursor);
  let query = db.selectFrom('films').selectAll();
  if (search.q) query = query.where('title', 'ilike', likePattern(search.q));
  if (search.genre) query = query.where(sql<boolean>`${search.genre} = any(genres)`);
  if (search.year !== undefined) query = query.where('year', '=', search.year);
  if (after) {
    query = query.where((eb) =>
      eb(eb.refTuple('title', 'id'), '>', eb.tuple(after.title, after.id)),
    );
  }
  const rows = await query
    .orderBy('title')
    .orderBy('id')
    .limit(search.limit + 1)
    .execute();
  return toPage(rows, search.limit, toFilm, (row) => ({ title: row.title, id: row.id }));
}

/** The film with this id, if the catalogue has it. */
export async function findFilm(db: Db, id: string): Promise<Film | undefined> {
  if (!UUID.test(id)) return undefined;
  const row = await db.selectFrom('films').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFilm(row);
}
