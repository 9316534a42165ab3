import type { PlaybackRecord, Room } from '../../domain/room/index.js';
import { toPlaybackRecord } from '../../domain/room/index.js';
import type { Db } from '../../projections/db/database.js';

/** What is live about a member right now (ephemeral: sockets, not events). */
export interface MemberPresence {
  readonly online: boolean;
  readonly ready: boolean;
}

/** Presence of the members of rooms, by room id then user id. */
export type PresenceLookup = (
  roomIds: readonly string[],
) => Promise<ReadonlyMap<string, ReadonlyMap<string, MemberPresence>>>;

export const noPresence: PresenceLookup = async () => new Map();

/** The presence of one room, known already (a node's live view of a room it follows). */
export const knownPresence =
  (roomId: string, view: ReadonlyMap<string, MemberPresence>): PresenceLookup =>
  async () =>
    new Map([[roomId, view]]);

/** The facts a room view is made of, from the aggregate or from the read model. */
export interface RoomFacts {
  readonly id: string;
  readonly filmId: string;
  readonly hostId: string;
  readonly status: 'open' | 'closed';
  readonly locked: boolean;
  readonly members: readonly { readonly userId: string; readonly role: 'host' | 'member' }[];
  readonly invited: readonly string[];
  readonly playback: PlaybackRecord;
  readonly createdAt: string;
  readonly closedAt: string | null;
}

/** A room as the API shows it. */
export type RoomView = Awaited<ReturnType<typeof presentRooms>>[number];

/** The facts of an aggregate's state. */
export function factsOf(room: Room): RoomFacts {
  return {
    id: room.roomId,
    filmId: room.filmId,
    hostId: room.hostId,
    status: room.status,
    locked: room.locked,
    members: room.members,
    invited: room.invited,
    playback: toPlaybackRecord(room.playback),
    createdAt: room.openedAt,
    closedAt: room.closedAt,
  };
}

/** Rooms with their film and members' display names, in one query each. */
export async function presentRooms(db: Db, rooms: readonly RoomFacts[], presence: PresenceLookup) {
  if (rooms.length === 0) return [];
  const films = await db
    .selectFrom('films')
    .select(['id', 'title', 'duration_minutes'])
    .where('id', 'in', [...new Set(rooms.map((r) => r.filmId))])
    .execute();
  const userIds = [...new Set(rooms.flatMap((r) => r.members.map((m) => m.userId)))];
  const users =
    userIds.length === 0
      ? []
      : await db
          .selectFrom('users')
          .select(['id', 'display_name'])
          .where('id', 'in', userIds)
          .execute();
  const presences = await presence(rooms.map((r) => r.id));
  const filmById = new Map(films.map((f) => [f.id, f]));
  const names = new Map(users.map((u) => [u.id, u.display_name]));
  return rooms.map((room) => {
    const film = filmById.get(room.filmId);
    const live = presences.get(room.id) ?? new Map<string, MemberPresence>();
    return {
      id: room.id,
      filmId: room.filmId,
      film: {
        id: room.filmId,
        title: film?.title ?? '',
        durationMinutes: film?.duration_minutes ?? 0,
      },
      hostId: room.hostId,
      status: room.status,
      locked: room.locked,
      members: room.members.map((m) => ({
        userId: m.userId,
        displayName: names.get(m.userId) ?? '',
        role: m.role,
        online: live.get(m.userId)?.online ?? false,
        ready: live.get(m.userId)?.ready ?? false,
      })),
      invited: [...room.invited],
      playback: room.playback,
      createdAt: new Date(room.createdAt).toISOString(),
      closedAt: room.closedAt === null ? null : new Date(room.closedAt).toISOString(),
    };
  });
}

/** One room with its film and names. */
export async function presentRoom(
  db: Db,
  room: RoomFacts,
  presence: PresenceLookup,
): Promise<RoomView> {
  const [view] = await presentRooms(db, [room], presence);
  return view as RoomView;
}
