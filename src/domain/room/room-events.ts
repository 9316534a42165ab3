import type { PlaybackControl, PlaybackStatus } from './timeline.js';

/** A playback timeline as events and the API carry it: `at` is an ISO instant (ms precision). */
export interface PlaybackRecord {
  readonly status: PlaybackStatus;
  readonly position: number;
  readonly at: string;
  readonly rate: number;
  readonly seq: number;
}

/** Why a room closed. */
export type CloseReason = 'host' | 'ended' | 'empty';

/** What changed the playback: a member's control, or the room itself. */
export type PlaybackCause = PlaybackControl['action'] | 'waiting_released';

/** Events of the stream `room-<id>`. */
export type RoomEvent =
  | {
      readonly type: 'RoomOpened';
      readonly data: {
        readonly roomId: string;
        readonly filmId: string;
        readonly hostId: string;
        /** Length of the media (s): the room closes once the timeline has played past it. */
        readonly durationSeconds: number;
        readonly locked: boolean;
        readonly invited: readonly string[];
        readonly playback: PlaybackRecord;
        readonly openedAt: string;
      };
    }
  | {
      readonly type: 'RoomInvited';
      readonly data: {
        readonly roomId: string;
        readonly by: string;
        readonly userIds: readonly string[];
        readonly invitedAt: string;
      };
    }
  | {
      readonly type: 'RoomJoined';
      readonly data: {
        readonly roomId: string;
        readonly userId: string;
        readonly joinedAt: string;
      };
    }
  | {
      readonly type: 'RoomLeft';
      readonly data: { readonly roomId: string; readonly userId: string; readonly leftAt: string };
    }
  | {
      readonly type: 'RoomLockChanged';
      readonly data: {
        readonly roomId: string;
        readonly by: string;
        readonly locked: boolean;
        readonly at: string;
      };
    }
  | {
      readonly type: 'PlaybackChanged';
      readonly data: {
        readonly roomId: string;
        /** The member whose control this was; null when the room changed it (waiting over). */
        readonly by: string | null;
        readonly cause: PlaybackCause;
        readonly playback: PlaybackRecord;
        readonly decidedAt: string;
      };
    }
  | {
      readonly type: 'RoomClosed';
      readonly data: {
        readonly roomId: string;
        /** The host who closed it; null when it closed by itself. */
        readonly by: string | null;
        readonly reason: CloseReason;
        readonly playback: PlaybackRecord;
        readonly closedAt: string;
      };
    };

export const ROOM_EVENT_TYPES: ReadonlySet<string> = new Set<RoomEvent['type']>([
  'RoomOpened',
  'RoomInvited',
  'RoomJoined',
  'RoomLeft',
  'RoomLockChanged',
  'PlaybackChanged',
  'RoomClosed',
]);
