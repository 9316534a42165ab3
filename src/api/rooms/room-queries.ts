import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../projections/db/database.js';
import { cursorId, cursorTime, decodeCursor, toPage } from '../pagination.js';
import type { RoomFacts } from './room-views.js';

/** Rooms from the read model, in the order of `ids`. */
export async function roomFactsOf(db: Db, ids: readonly string[]): Promise<RoomFacts[]> {
  if (ids.length === 0) return [];
  const [rooms, members, invites] = await Promise.all([
    db.selectFrom('rooms').selectAll().where('id', 'in', ids).execute(),
    db
      .selectFrom('room_members')
      .selectAll()
      .where('room_id', 'in', ids)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute(),
    db
      .selectFrom('room_invites')
      .selectAll()
      .where('room_id', 'in', ids)
      .orderBy('invited_at')
      .orderBy('user_id')
      .execute(),
  ]);
  const byId = new Map(rooms.map((room) => [room.id, room]));
  return ids.flatMap((id) => {
    const room = byId.get(id);
    if (!room) return [];
    return [
      {
        id,
        filmId: room.film_id,
        hostId: room.host_id,
        status: room.status,
        locked: room.locked,
        members: members
          .filter((m) => m.room_id === id)
          .map((m) => ({ userId: m.user_id, role: m.role })),
        invited: invites.filter((i) => i.room_id === id).map((i) => i.user_id),
        playback: room.playback,
        createdAt: new Date(room.created_at).toISOString(),
        closedAt: room.closed_at === null ? null : new Date(room.closed_at).toISOString(),
      },
    ];
  });
}

/** Whether `a` and `b` follow each other. */
export async function areFriends(db: Db, a: string, b: string): Promise<boolean> {
  const rows = await db
    .selectFrom('follows')
    .select('follower_id')
    .where((eb) =>
      eb.or([
        eb.and([eb('follower_id', '=', a), eb('followee_id', '=', b)]),
        eb.and([eb('follower_id', '=', b), eb('followee_id', '=', a)]),
      ]),
    )
    .execute();
  return rows.length === 2;
}

/** Whether the user may see and join the room: host, invited, member, or a friend of the host. */
export async function mayJoin(db: Db, room: RoomFacts, userId: string): Promise<boolean> {
  if (room.hostId === userId || room.invited.includes(userId)) return true;
  if (room.members.some((m) => m.userId === userId)) return true;
  return areFriends(db, userId, room.hostId);
}

/** A film's length and whether it has media to play. */
export async function filmMedia(db: Db, filmId: string) {
  const film = await db
    .selectFrom('films')
    .select(['duration_minutes', 'media_qualities'])
    .where('id', '=', filmId)
    .executeTakeFirst();
  return (
    film && {
      durationSeconds: film.duration_minutes * 60,
      hasMedia: film.media_qualities.length > 0,
    }
  );
}

const roomCursor = z.object({ k: cursorTime, id: cursorId });

/** Open rooms the user may join (own, joined, invited, hosted by a friend), newest first. */
export async function listJoinableRooms(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const key = page.cursor === undefined ? undefined : decodeCursor(page.cursor, roomCursor);
  let query = db
    .selectFrom('rooms as r')
    .select(['r.id', 'r.created_at'])
    .where('r.status', '=', 'open')
    .where((eb) =>
      eb.or([
        eb('r.host_id', '=', userId),
        eb.exists(
          eb
            .selectFrom('room_invites as i')
            .select('i.room_id')
            .whereRef('i.room_id', '=', 'r.id')
            .where('i.user_id', '=', userId),
        ),
        eb.exists(
          eb
            .selectFrom('room_members as m')
            .select('m.room_id')
            .whereRef('m.room_id', '=', 'r.id')
            .where('m.user_id', '=', userId),
        ),
        // Friends: the user follows the host and the host follows the user.
        eb.exists(
          eb
            .selectFrom('follows as a')
            .innerJoin('follows as b', (join) =>
              join
                .onRef('b.follower_id', '=', 'a.followee_id')
                .onRef('b.followee_id', '=', 'a.follower_id'),
            )
            .select('a.follower_id')
            .where('a.follower_id', '=', userId)
            .whereRef('a.followee_id', '=', 'r.host_id'),
        ),
      ]),
    );
  if (key) {
    query = query.where(
      sql<boolean>`(r.created_at, r.id) < (${key.k.toISOString()}::timestamptz, ${key.id}::uuid)`,
    );
  }
  const rows = await query
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return toPage(
    rows,
    page.limit,
    (row) => row.id,
    (row) => ({ k: new Date(row.created_at).toISOString(), id: row.id }),
  );
}

/** A room's chat, newest first, older than the message `before`. */
export async function listMessages(
  db: Db,
  roomId: string,
  page: { limit: number; before?: string | undefined },
) {
  let query = db
    .selectFrom('room_messages as m')
    .innerJoin('users', 'users.id', 'm.user_id')
    .select(['m.id', 'm.user_id', 'm.text', 'm.media_position', 'm.sent_at', 'users.display_name'])
    .where('m.room_id', '=', roomId);
  if (page.before !== undefined) {
    // An unknown id compares with NULL: an empty page, never another room's messages.
    query = query.where(
      sql<boolean>`(m.sent_at, m.id) < (select p.sent_at, p.id from room_messages p where p.id = ${page.before} and p.room_id = ${roomId})`,
    );
  }
  const rows = await query
    .orderBy('m.sent_at', 'desc')
    .orderBy('m.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const page_ = rows.slice(0, page.limit).map((row) => ({
    id: row.id,
    userId: row.user_id,
    displayName: row.display_name,
    text: row.text,
    mediaPosition: row.media_position,
    sentAt: new Date(row.sent_at).toISOString(),
  }));
  return { items: page_, nextCursor: rows.length > page.limit ? (page_.at(-1)?.id ?? null) : null };
}
