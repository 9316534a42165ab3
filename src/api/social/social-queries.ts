import { sql } from 'kysely';
import { z } from 'zod';
import { isUuid } from '../../domain/ids.js';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';
import { type Film, filmColumns, toFilm } from '../films/film-queries.js';
import { cursorId, cursorTime, decodeCursor, toPage } from '../pagination.js';

/** A user as others see them: never their email. */
export interface PublicUser {
  readonly id: string;
  readonly displayName: string;
}

/** A page request of the social lists. */
export interface PageRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Decodes `{ k, id }`, refusing a forged id (it is compared with a uuid column). */
function after(cursor: string | undefined): { k: string; id: string } | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor, ['k', 'id']);
  if (!isUuid(key.id)) throw new ApiError('invalid_cursor', 'the cursor is not valid');
  return key;
}

// The follow lists and film lists are keyed by a time: a forged `k` that is no instant (or a
// year -5000) is a 400 invalid_cursor here, not a failed `::timestamptz` cast in SQL (a 500).
const timeCursor = z.object({ k: cursorTime, id: cursorId });

/** Decodes `{ k: instant, id: uuid }` of the time-keyed lists. */
function afterTime(cursor: string | undefined): { k: Date; id: string } | undefined {
  return cursor === undefined ? undefined : decodeCursor(cursor, timeCursor);
}

/** A user's public profile with follow counts, if the user exists. */
export async function findProfile(db: Db, userId: string) {
  const row = await db
    .selectFrom('users')
    .leftJoin('follow_counts', 'follow_counts.user_id', 'users.id')
    .select([
      'users.id',
      'users.display_name',
      'follow_counts.followers',
      'follow_counts.following',
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      displayName: row.display_name,
      followers: row.followers ?? 0,
      following: row.following ?? 0,
    }
  );
}

/** Whether a user with this id exists. */
export async function userExists(db: Db, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
  return row !== undefined;
}

// `\` is the default LIKE escape: a searched `%` or `_` matches itself.
const likePrefix = (q: string) => `${q.toLowerCase().replaceAll(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Users whose display name starts with `q` (any case) or whose email is exactly `q`. */
export async function searchUsers(db: Db, q: string, page: PageRequest) {
  const key = after(page.cursor);
  let query = db
    .selectFrom('users')
    .select(['id', 'display_name', sql<string>`lower(display_name)`.as('name_key')])
    .where((eb) =>
      eb.or([
        eb(sql`lower(display_name)`, 'like', likePrefix(q)),
        eb('email', '=', q.trim().toLowerCase()),
      ]),
    );
  if (key) {
    query = query.where(sql<boolean>`(lower(display_name), id) > (${key.k}, ${key.id}::uuid)`);
  }
  const rows = await query
    .orderBy(sql`lower(display_name)`)
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toPublicUser, (row) => ({ k: row.name_key, id: row.id }));
}

function toPublicUser(row: { id: string; display_name: string }): PublicUser {
  return { id: row.id, displayName: row.display_name };
}

/** Which side of the follow edges a list reads. */
export type FollowList = 'following' | 'followers' | 'friends';

/**
 * The users `userId` follows or who follow them, newest edge first; or their friends (mutual
 * follows, kept as rows of their own by the projection), newest friendship first. Each is one
 * index range.
 */
export async function listFollows(db: Db, userId: string, list: FollowList, page: PageRequest) {
  const key = afterTime(page.cursor);
  const [table, own, other] =
    list === 'friends'
      ? (['friends', 'user_id', 'friend_id'] as const)
      : list === 'followers'
        ? (['follows', 'followee_id', 'follower_id'] as const)
        : (['follows', 'follower_id', 'followee_id'] as const);
  const { rows } = await sql<{ id: string; display_name: string; since: Date }>`
    SELECT users.id, users.display_name, a.since
    FROM ${sql.table(table)} a
    JOIN users ON users.id = a.${sql.id(other)}
    WHERE a.${sql.id(own)} = ${userId}
      ${key ? sql`AND (a.since, a.${sql.id(other)}) < (${key.k.toISOString()}::timestamptz, ${key.id}::uuid)` : sql``}
    ORDER BY a.since DESC, a.${sql.id(other)} DESC
    LIMIT ${page.limit + 1}`.execute(db);
  return toPage(
    rows,
    page.limit,
    (row) => ({ ...toPublicUser(row), since: new Date(row.since).toISOString() }),
    (row) => ({ k: new Date(row.since).toISOString(), id: row.id }),
  );
}

/** The user's wishlist or likes, newest first. */
export async function listFilms(
  db: Db,
  userId: string,
  table: 'wishes' | 'likes',
  page: PageRequest,
): Promise<{ items: { film: Film; addedAt: string }[]; nextCursor: string | null }> {
  const key = afterTime(page.cursor);
  let query = db
    .selectFrom(`${table} as l`)
    .innerJoin('films', 'films.id', 'l.film_id')
    .select(filmColumns)
    .select('l.added_at')
    .where('l.user_id', '=', userId);
  if (key) {
    query = query.where(
      sql<boolean>`(l.added_at, l.film_id) < (${key.k.toISOString()}::timestamptz, ${key.id}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('l.added_at', 'desc')
    .orderBy('l.film_id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => ({ film: toFilm(row), addedAt: new Date(row.added_at).toISOString() }),
    (row) => ({ k: new Date(row.added_at).toISOString(), id: row.id }),
  );
}
