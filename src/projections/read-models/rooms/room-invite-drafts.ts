import { roomDecider } from '../../../domain/room/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { Tx } from '../../db/database.js';
import type { Draft } from '../notifications/notification-drafts.js';

/** `room.invited` to each invitee, with the room, the film's title and the host's name. */
export async function roomInviteDrafts(
  tx: Tx,
  events: readonly RecordedEvent[],
): Promise<(Draft & { eventId: string })[]> {
  const invites = events.flatMap((event) => {
    if (!roomDecider.isEvent(event)) return [];
    if (event.type === 'RoomOpened') {
      const { roomId, invited, openedAt } = event.data;
      return invited.length > 0
        ? [{ eventId: event.id, roomId, userIds: invited, at: openedAt }]
        : [];
    }
    if (event.type === 'RoomInvited') {
      const { roomId, userIds, invitedAt } = event.data;
      return [{ eventId: event.id, roomId, userIds, at: invitedAt }];
    }
    return [];
  });
  if (invites.length === 0) return [];
  // The rooms projection ran before this one in the same batch: the room rows are there.
  const rooms = await tx
    .selectFrom('rooms')
    .innerJoin('films', 'films.id', 'rooms.film_id')
    .innerJoin('users', 'users.id', 'rooms.host_id')
    .select(['rooms.id', 'rooms.film_id', 'rooms.host_id', 'films.title', 'users.display_name'])
    .where('rooms.id', 'in', [...new Set(invites.map((i) => i.roomId))])
    .execute();
  const byId = new Map(rooms.map((room) => [room.id, room]));
  return invites.flatMap(({ eventId, roomId, userIds, at }) => {
    const room = byId.get(roomId);
    const data = {
      roomId,
      filmId: room?.film_id ?? null,
      filmTitle: room?.title ?? null,
      hostId: room?.host_id ?? null,
      hostName: room?.display_name ?? null,
    };
    return userIds.map((userId) => ({ eventId, userId, type: 'room.invited' as const, data, at }));
  });
}
