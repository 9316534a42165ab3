import { z } from 'zod';
import type { CloseReason, PlaybackRecord, RoomEvent } from '../../../domain/room/index.js';
import type { PresenceEntry } from './room-presence.js';

/** A chat message as the socket and the messages route show it. */
export interface ChatMessageView {
  readonly id: string;
  readonly userId: string;
  readonly displayName: string;
  readonly text: string;
  readonly mediaPosition: number;
  readonly sentAt: string;
}

/** What nodes tell each other on the topic `room:<id>`; every node sees them in one order. */
export type RoomBusMessage =
  | { readonly t: 'playback'; readonly playback: PlaybackRecord; readonly by: string | null }
  | { readonly t: 'closed'; readonly reason: CloseReason; readonly playback: PlaybackRecord }
  /** `position`: where the message sits in the log (a snapshot's chat history waits for it). */
  | { readonly t: 'chat'; readonly message: ChatMessageView; readonly position?: string }
  | { readonly t: 'presence'; readonly node: string; readonly entry: PresenceEntry }
  /**
   * Membership or lock changed: re-read the room and send `members`. `position`: the change's
   * place in the log (clients re-read the room on `members`, so it waits for the read models).
   */
  | { readonly t: 'changed'; readonly position?: string }
  /** A node started following the room: the others announce their members' presence. */
  | { readonly t: 'hello'; readonly node: string };

// Messages come back parsed from JSON (Redis): the tag is checked here, the shapes are ours.
const tagged = z
  .object({ t: z.enum(['playback', 'closed', 'chat', 'presence', 'changed', 'hello']) })
  .loose();

/** A bus message, if it is one of ours. */
export function parseRoomBusMessage(message: unknown): RoomBusMessage | undefined {
  return tagged.safeParse(message).success ? (message as RoomBusMessage) : undefined;
}

/** The bus topic of a room. */
export const roomTopic = (roomId: string) => `room:${roomId}`;

/** What the room's sockets must hear of freshly appended room events. */
export function busMessagesFor(events: readonly RoomEvent[], position?: string): RoomBusMessage[] {
  return events.flatMap((event): RoomBusMessage[] => {
    switch (event.type) {
      case 'PlaybackChanged':
        return [{ t: 'playback', playback: event.data.playback, by: event.data.by }];
      case 'RoomClosed':
        return [{ t: 'closed', reason: event.data.reason, playback: event.data.playback }];
      case 'RoomJoined':
      case 'RoomLeft':
      case 'RoomLockChanged':
      case 'RoomInvited':
        return [position === undefined ? { t: 'changed' } : { t: 'changed', position }];
      case 'RoomOpened':
        return [];
      default: {
        const _: never = event;
        return [];
      }
    }
  });
}
