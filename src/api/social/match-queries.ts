import { sql } from 'kysely';
import { isUuid } from '../../domain/ids.js';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';
import { type Film, type FilmView, toFilm } from '../films/film-queries.js';
import { decodeCursor, toPage } from '../pagination.js';
import type { PageRequest, PublicUser } from './social-queries.js';

function after<K extends string>(cursor: string | undefined, keys: readonly K[]) {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, [...keys, 'id']);
  if (!isUuid(key.id)) throw new ApiError('invalid_cursor', 'the cursor is not valid');
  return key;
}

/**
 * The caller's friends who want the film, by name. One query: the caller's friends rows (one
 * index range), then per friend a probe of their wish for the film and of their name. LATERAL
 * with LIMIT keeps those probes: left to itself the planner reads every wish of the film (a
 * few thousand index entries for a popular one) and every user to join 200 friends.
 */
export async function friendsWhoWant(db: Db, userId: string, filmId: string, page: PageRequest) {
  const key = after(page.cursor, ['k'] as const);
  const { rows } = await sql<{ id: string; display_name: string; name_key: string }>`
    SELECT f.friend_id AS id, u.display_name, lower(u.display_name) AS name_key
    FROM friends f
    CROSS JOIN LATERAL (SELECT FROM wishes w
      WHERE w.user_id = f.friend_id AND w.film_id = ${filmId} LIMIT 1) AS wants
    CROSS JOIN LATERAL (SELECT display_name FROM users WHERE users.id = f.friend_id LIMIT 1) AS u
    WHERE f.user_id = ${userId}
      ${key ? sql`AND (lower(u.display_name), f.friend_id) > (${key.k}, ${key.id}::uuid)` : sql``}
    ORDER BY lower(u.display_name), f.friend_id
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
 * Films the caller wants that friends want too, most friends first. One query: `top` is the
 * page, one range of the caller's `friend_wants` rows (counted by the social projection, index
 * ordered as the page is). `mine` is the caller's friends (one index range, each name probed
 * once) ranked by name, each already as its JSON object; `named` reads each friend's wishes (a
 * PK range) for the page's films and aggregates them by rank, so no name is compared twice.
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
    WITH top AS MATERIALIZED (
      SELECT film_id, friends AS friend_count
      FROM friend_wants
      WHERE user_id = ${userId} AND friends > 0
        ${key ? sql`AND (friends, film_id) < (${Number(key.n)}, ${key.id}::uuid)` : sql``}
      ORDER BY friends DESC, film_id DESC
      LIMIT ${page.limit + 1}
    ), mine AS MATERIALIZED (
      SELECT id, json_build_object('id', id, 'displayName', name) AS friend,
        row_number() OVER (ORDER BY lower(name), id) AS rank
      FROM (SELECT f.friend_id AS id,
          (SELECT display_name FROM users WHERE users.id = f.friend_id) AS name
        FROM friends f
        WHERE f.user_id = ${userId}
        OFFSET 0) AS friend
    ), named AS (
      SELECT w.film_id, json_agg(mine.friend ORDER BY mine.rank) AS friends
      FROM mine JOIN wishes w ON w.user_id = mine.id
      WHERE w.film_id IN (SELECT film_id FROM top)
      GROUP BY w.film_id
    )
    SELECT films.id, films.title, films.original_title, films.year, films.genres,
      films.duration_minutes, films.description, films.rating, films.cast_names, films.directors,
      films.poster_url, films.media_qualities, films.want_count, films.like_count,
      top.friend_count, named.friends
    FROM top
    JOIN named ON named.film_id = top.film_id
    JOIN films ON films.id = top.film_id
    ORDER BY top.friend_count DESC, top.film_id DESC`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ film: toFilm(row), friends: row.friends }),
    (row) => ({ n: String(row.friend_count), id: row.id }),
  );
}
