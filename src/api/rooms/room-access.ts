import type { CommandContext } from '../../commands/command-context.js';
import { DomainError } from '../../domain/errors.js';
import { isInvitedOrIn, type Room } from '../../domain/room/index.js';
import type { Db } from '../../projections/db/database.js';
import { areFriends } from './room-queries.js';

/** What the caller is to a room they may see. */
export interface RoomAccess {
  readonly room: Room;
  readonly friendOfHost: boolean;
}

/**
 * The room from its stream (never stale), if the caller may see it: host, invited, member or a
 * friend of the host. Anyone else gets the same 404 as for a room that does not exist, so room
 * ids cannot be probed.
 */
export async function accessRoom(
  commands: CommandContext,
  db: Db,
  roomId: string,
  userId: string,
): Promise<RoomAccess> {
  const { state } = await commands.rooms.load(roomId);
  if (!state) throw new DomainError('room_not_found', 'no such room');
  if (isInvitedOrIn(state, userId)) return { room: state, friendOfHost: false };
  if (await areFriends(db, userId, state.hostId)) return { room: state, friendOfHost: true };
  throw new DomainError('room_not_found', 'no such room');
}
