import { sql } from 'kysely';
import { isUuid } from '../../domain/ids.js';
import type { Db, FilmRow } from '../../projections/db/database.js';

/** A film as the API shows it. */
export interface Film {
  readonly id: string;
  readonly title: string;
  readonly originalTitle: string;
  readonly year: number;
  readonly genres: string[];
  readonly durationMinutes: number;
  readonly description: string;
  readonly rating: number | null;
  readonly cast: string[];
  readonly directors: string[];
  readonly posterUrl: string | null;
  readonly media: { readonly available: boolean; readonly qualities: string[] };
  readonly wantCount: number;
  readonly likeCount: number;
}

/** The columns a film is shown from (never the search documents). */
export const filmColumns = [
  'films.id',
  'films.title',
  'films.original_title',
  'films.year',
  'films.genres',
  'films.duration_minutes',
  'films.description',
  'films.rating',
  'films.cast_names',
  'films.directors',
  'films.poster_url',
  'films.media_qualities',
  'films.want_count',
  'films.like_count',
] as const;

/** The row of {@link filmColumns}. */
export type FilmView = Pick<
  FilmRow,
  | 'id'
  | 'title'
  | 'original_title'
  | 'year'
  | 'genres'
  | 'duration_minutes'
  | 'description'
  | 'rating'
  | 'cast_names'
  | 'directors'
  | 'poster_url'
  | 'media_qualities'
  | 'want_count'
  | 'like_count'
>;

/** The API shape of a film row. */
export function toFilm(row: FilmView): Film {
  return {
    id: row.id,
    title: row.title,
    originalTitle: row.original_title || row.title,
    year: row.year,
    genres: row.genres,
    durationMinutes: row.duration_minutes,
    description: row.description,
    rating: row.rating === null ? null : Number(row.rating),
    cast: row.cast_names,
    directors: row.directors,
    posterUrl: row.poster_url,
    // Films without media of their own play the bundled sample in its qualities.
    media: { available: row.media_qualities.length > 0, qualities: row.media_qualities },
    wantCount: row.want_count,
    likeCount: row.like_count,
  };
}

/** The film with this id, if the catalogue has it. */
export async function findFilm(db: Db, id: string): Promise<Film | undefined> {
  if (!isUuid(id)) return undefined;
  const row = await db
    .selectFrom('films')
    .select(filmColumns)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toFilm(row);
}

/** Whether the catalogue has this film. */
export async function filmExists(db: Db, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const row = await db.selectFrom('films').select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

/** Every genre of the catalogue with its number of films, most films first. */
export async function filmGenres(db: Db): Promise<{ genre: string; count: number }[]> {
  const { rows } = await sql<{ genre: string; count: string | number }>`
    SELECT genre, count(*) AS count FROM films, unnest(genres) AS genre
    GROUP BY genre ORDER BY count(*) DESC, genre`.execute(db);
  return rows.map((row) => ({ genre: row.genre, count: Number(row.count) }));
}
