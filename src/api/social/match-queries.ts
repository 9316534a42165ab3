import { sql } from 'kysely';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';
import { decodeCursor, toPage } from '../pagination.js';
import { type Film, type FilmView, toFilm } from '../queries/film-queries.js';
import type { PageRequest, PublicUser } from './social-queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function after<K extends string>(cursor: string | undefined, keys: readonly K[]) {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, [...keys, 'id']);
  if (!UUID.test(key.id)) throw new ApiError('invalid_cursor', 'the cursor is not valid');
  return key;
}

/**
 * The caller's friends who want the film, by name. One query: the caller's follow edges (PK
 * range), the reverse edge and the friend's wish are PK probes.
 */
export async function friendsWhoWant(db: Db, userId: string, filmId: string, page: PageRequest) {
  const key = after(page.cursor, ['k'] as const);
  const { rows } = await sql<{ id: string; display_name: string; name_key: string }>`
    SELECT u.id, u.display_name, lower(u.display_name) AS name_key
    FROM follows a
    JOIN follows b ON b.follower_id = a.followee_id AND b.followee_id = a.follower_id
    JOIN wishes w ON w.user_id = a.followee_id AND w.film_id = ${filmId}
    JOIN users u ON u.id = a.followee_id
    WHERE a.follower_id = ${userId}
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
 * Films the caller wants that friends want too, most friends first. One query, driven by the
 * caller's friends (PK probes both ways) and their wishes (PK range), kept where the caller
 * wishes the film too (PK probe).
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
    WITH friends AS (
      SELECT a.followee_id AS id
      FROM follows a
      JOIN follows b ON b.follower_id = a.followee_id AND b.followee_id = a.follower_id
      WHERE a.follower_id = ${userId}
    ), matched AS (
      SELECT w.film_id, count(*)::int AS friend_count,
        json_agg(json_build_object('id', u.id, 'displayName', u.display_name)
          ORDER BY lower(u.display_name), u.id) AS friends
      FROM friends f
      JOIN wishes w ON w.user_id = f.id
      JOIN wishes mine ON mine.user_id = ${userId} AND mine.film_id = w.film_id
      JOIN users u ON u.id = f.id
      GROUP BY w.film_id
    )
    SELECT films.id, films.title, films.original_title, films.year, films.genres,
      films.duration_minutes, films.description, films.rating, films.cast_names, films.directors,
      films.poster_url, films.media_qualities, films.want_count, films.like_count,
      matched.friend_count, matched.friends
    FROM matched JOIN films ON films.id = matched.film_id
    ${key ? sql`WHERE (matched.friend_count, matched.film_id) < (${Number(key.n)}, ${key.id}::uuid)` : sql``}
    ORDER BY matched.friend_count DESC, matched.film_id DESC
    LIMIT ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ film: toFilm(row), friends: row.friends }),
    (row) => ({ n: String(row.friend_count), id: row.id }),
  );
}
