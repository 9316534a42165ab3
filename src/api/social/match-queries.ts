import { sql } from 'kysely';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';
import { type Film, type FilmView, toFilm } from '../films/film-queries.js';
import { decodeCursor, toPage } from '../pagination.js';
import type { PageRequest, PublicUser } from './social-queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function after<K extends string>(cursor: string | undefined, keys: readonly K[]) {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, [...keys, 'id']);
  if (!UUID.test(key.id)) throw new ApiError('invalid_cursor', 'the cursor is not valid');
  return key;
}

/**
 * The caller's friends who want the film, by name. One query: the caller's friends rows (one
 * index range), then a PK probe of each friend's wish for the film and of the friend's name.
 */
export async function friendsWhoWant(db: Db, userId: string, filmId: string, page: PageRequest) {
  const key = after(page.cursor, ['k'] as const);
  const { rows } = await sql<{ id: string; display_name: string; name_key: string }>`
    SELECT u.id, u.display_name, lower(u.display_name) AS name_key
    FROM friends f
    JOIN wishes w ON w.user_id = f.friend_id AND w.film_id = ${filmId}
    JOIN users u ON u.id = f.friend_id
    WHERE f.user_id = ${userId}
      ${key ? sql`AND (lower(u.display_name), u.id) > (${key.k}, ${key.id}::uuid)` : sql``}
    ORDER BY lower(u.display_name), u.id
    LIMIT ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row): PublicUser => ({ id: row.id, displayName: row.display_name }),
    (row) => ({ k: row.name_key, id: row.id }),
  );
}

type MatchRow = FilmView & { friend_count: number; friends: PublicUser[] };

/**
 * Films the caller wants that friends want too, most friends first. One query: `pairs` is
 * every (film, friend) where both want the film, from the caller's friends rows (one index
 * range, each friend's name probed once) and each friend's wishes (a PK range), kept where the
 * caller wants the film too (hashed, 50-odd films). Only the page's films are then joined to
 * the catalogue and get their friends' names aggregated: counting first and naming after the
 * LIMIT is what keeps a user with 200 friends under a few milliseconds.
 */
export async function matches(
  db: Db,
  userId: string,
  page: PageRequest,
): Promise<{ items: { film: Film; friends: PublicUser[] }[]; nextCursor: string | null }> {
  const key = after(page.cursor, ['n'] as const);
  if (key && !/^\d{1,9}$/.test(key.n))
    throw new ApiError('invalid_cursor', 'the cursor is not valid');
  const { rows } = await sql<MatchRow>`
    WITH pairs AS MATERIALIZED (
      SELECT w.film_id, u.id, u.display_name
      FROM friends f
      JOIN users u ON u.id = f.friend_id
      JOIN wishes w ON w.user_id = f.friend_id
      WHERE f.user_id = ${userId}
        AND w.film_id IN (SELECT film_id FROM wishes WHERE user_id = ${userId})
    ), top AS (
      SELECT film_id, count(*)::int AS friend_count
      FROM pairs
      GROUP BY film_id
      ${key ? sql`HAVING (count(*)::int, film_id) < (${Number(key.n)}, ${key.id}::uuid)` : sql``}
      ORDER BY friend_count DESC, film_id DESC
      LIMIT ${page.limit + 1}
    ), named AS (
      SELECT top.film_id, top.friend_count,
        json_agg(json_build_object('id', pairs.id, 'displayName', pairs.display_name)
          ORDER BY lower(pairs.display_name), pairs.id) AS friends
      FROM top JOIN pairs ON pairs.film_id = top.film_id
      GROUP BY top.film_id, top.friend_count
    )
    SELECT films.id, films.title, films.original_title, films.year, films.genres,
      films.duration_minutes, films.description, films.rating, films.cast_names, films.directors,
      films.poster_url, films.media_qualities, films.want_count, films.like_count,
      named.friend_count, named.friends
    FROM named JOIN films ON films.id = named.film_id
    ORDER BY named.friend_count DESC, named.film_id DESC
    LIMIT ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ film: toFilm(row), friends: row.friends }),
    (row) => ({ n: String(row.friend_count), id: row.id }),
  );
}
