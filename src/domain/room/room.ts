import type { Decider, DomainEvent } from '../decider.js';
import { assertNever, refuse } from '../errors.js';
import type { CloseReason, PlaybackRecord, RoomEvent } from './room-events.js';
import { ROOM_EVENT_TYPES } from './room-events.js';
import {
  applyControl,
  hasEnded,
  initialPlayback,
  isValidControl,
  type Playback,
  type PlaybackControl,
  releaseWaiting,
  stopAt,
} from './timeline.js';

/** A member of a room; the host is one from the start. */
export interface RoomMember {
  readonly userId: string;
  readonly role: 'host' | 'member';
  readonly joinedAt: string;
}

/** An opened room: membership, lock, the playback timeline and its lifecycle. */
export interface Room {
  readonly roomId: string;
  readonly filmId: string;
  readonly hostId: string;
  readonly durationSeconds: number;
  readonly locked: boolean;
  readonly status: 'open' | 'closed';
  readonly invited: readonly string[];
  readonly members: readonly RoomMember[];
  readonly playback: Playback;
  readonly openedAt: string;
  readonly closedAt: string | null;
}

/** No room yet, or the room. */
export type RoomState = Room | undefined;

/** Commands on `room-<id>`; `now` and new ids arrive on the command. */
export type RoomCommand =
  | {
      readonly type: 'OpenRoom';
      readonly roomId: string;
      readonly filmId: string;
      readonly hostId: string;
      readonly durationSeconds: number;
      readonly invite: readonly string[];
      readonly locked: boolean;
      readonly now: Date;
    }
  | {
      readonly type: 'Invite';
      readonly userId: string;
      readonly userIds: readonly string[];
      readonly now: Date;
    }
  | {
      readonly type: 'Join';
      readonly userId: string;
      /** Whether the caller follows and is followed by the host (read from the social model). */
      readonly friendOfHost: boolean;
      readonly now: Date;
    }
  | { readonly type: 'Leave'; readonly userId: string; readonly now: Date }
  | {
      readonly type: 'SetLock';
      readonly userId: string;
      readonly locked: boolean;
      readonly now: Date;
    }
  | {
      readonly type: 'Control';
      readonly userId: string;
      readonly control: PlaybackControl;
      /** Schedule lead (ms) for a play or seek, from the members' round trips. */
      readonly leadMs: number;
      readonly someoneBuffering: boolean;
      readonly now: Date;
    }
  | { readonly type: 'ReleaseWaiting'; readonly leadMs: number; readonly now: Date }
  | {
      readonly type: 'Close';
      readonly userId: string | null;
      readonly reason: CloseReason;
      readonly now: Date;
    };

/** The timeline as events carry it. */
export function toPlaybackRecord(playback: Playback): PlaybackRecord {
  return { ...playback, at: new Date(playback.at).toISOString() };
}

/** The timeline from its recorded form. */
export function fromPlaybackRecord(record: PlaybackRecord): Playback {
  return { ...record, at: Date.parse(record.at) };
}

/** Whether the user is a member (the host included, unless they left). */
export function isMember(room: Room, userId: string): boolean {
  return room.members.some((member) => member.userId === userId);
}

/** Whether the user may see and join the room, before any friendship is considered. */
export function isInvitedOrIn(room: Room, userId: string): boolean {
  return room.hostId === userId || room.invited.includes(userId) || isMember(room, userId);
}

function evolve(state: RoomState, event: RoomEvent): RoomState {
  if (event.type === 'RoomOpened') {
    const d = event.data;
    return {
      roomId: d.roomId,
      filmId: d.filmId,
      hostId: d.hostId,
      durationSeconds: d.durationSeconds,
      locked: d.locked,
      status: 'open',
      invited: d.invited,
      members: [{ userId: d.hostId, role: 'host', joinedAt: d.openedAt }],
      playback: fromPlaybackRecord(d.playback),
      openedAt: d.openedAt,
      closedAt: null,
    };
  }
  if (!state) return state;
  switch (event.type) {
    case 'RoomInvited':
      return { ...state, invited: [...state.invited, ...event.data.userIds] };
    case 'RoomJoined': {
      const role = event.data.userId === state.hostId ? 'host' : 'member';
      const member: RoomMember = { userId: event.data.userId, role, joinedAt: event.data.joinedAt };
      return { ...state, members: [...state.members, member] };
    }
    case 'RoomLeft':
      return { ...state, members: state.members.filter((m) => m.userId !== event.data.userId) };
    case 'RoomLockChanged':
      return { ...state, locked: event.data.locked };
    case 'PlaybackChanged':
      return { ...state, playback: fromPlaybackRecord(event.data.playback) };
    case 'RoomClosed':
      return {
        ...state,
        status: 'closed',
        playback: fromPlaybackRecord(event.data.playback),
        closedAt: event.data.closedAt,
      };
    default:
      return assertNever(event);
  }
}

function decide(command: RoomCommand, state: RoomState): RoomEvent[] {
  if (command.type === 'OpenRoom') return open(command, state);
  if (!state) return refuse('room_not_found', 'no such room');
  const roomId = state.roomId;
  const now = command.now.toISOString();
  switch (command.type) {
    case 'Invite': {
      requireHost(state, command.userId);
      requireOpen(state);
      const userIds = [...new Set(command.userIds)].filter(
        (id) => id !== state.hostId && !state.invited.includes(id),
      );
      if (userIds.length === 0) return [];
      return [
        { type: 'RoomInvited', data: { roomId, by: command.userId, userIds, invitedAt: now } },
      ];
    }
    case 'Join': {
      const { userId } = command;
      if (!isInvitedOrIn(state, userId) && !command.friendOfHost) {
        return refuse('room_not_found', 'no such room');
      }
      requireOpen(state);
      if (isMember(state, userId)) return [];
      return [{ type: 'RoomJoined', data: { roomId, userId, joinedAt: now } }];
    }
    case 'Leave':
      requireOpen(state);
      if (!isMember(state, command.userId)) return [];
      return [{ type: 'RoomLeft', data: { roomId, userId: command.userId, leftAt: now } }];
    case 'SetLock':
      requireHost(state, command.userId);
      requireOpen(state);
      if (state.locked === command.locked) return [];
      return [
        {
          type: 'RoomLockChanged',
          data: { roomId, by: command.userId, locked: command.locked, at: now },
        },
      ];
    case 'Control':
      return control(command, state);
    case 'ReleaseWaiting': {
      if (state.status === 'closed') return [];
      const next = releaseWaiting(state.playback, command.now.getTime(), command.leadMs);
      if (!next) return [];
      const playback = toPlaybackRecord(next);
      return [
        {
          type: 'PlaybackChanged',
          data: { roomId, by: null, cause: 'waiting_released', playback, decidedAt: now },
        },
      ];
    }
    case 'Close':
      return close(command, state);
    default:
      return assertNever(command);
  }
}

function open(command: Extract<RoomCommand, { type: 'OpenRoom' }>, state: RoomState): RoomEvent[] {
  const { roomId, filmId, hostId, durationSeconds, locked } = command;
  if (state) {
    // The same open retried (same id, film and host) is a no-op; anything else is a clash.
    if (state.filmId === filmId && state.hostId === hostId) return [];
    return refuse('room_already_exists', 'a room with this id already exists');
  }
  if (!(Number.isFinite(durationSeconds) && durationSeconds > 0)) {
    return refuse('media_unavailable', 'the film has no playable media');
  }
  const invited = [...new Set(command.invite)].filter((id) => id !== hostId);
  const playback = toPlaybackRecord(initialPlayback(command.now.getTime()));
  const openedAt = command.now.toISOString();
  return [
    {
      type: 'RoomOpened',
      data: { roomId, filmId, hostId, durationSeconds, locked, invited, playback, openedAt },
    },
  ];
}

function control(command: Extract<RoomCommand, { type: 'Control' }>, state: Room): RoomEvent[] {
  const { userId } = command;
  requireOpen(state);
  if (!isMember(state, userId)) return refuse('not_room_member', 'join the room first');
  if (state.locked && userId !== state.hostId) {
    return refuse('not_room_host', 'the room is locked: only the host controls playback');
  }
  if (!isValidControl(command.control)) {
    return refuse('invalid_control', 'position must be ≥ 0 and rate within 0.5–2');
  }
  const next = applyControl(state.playback, command.control, {
    now: command.now.getTime(),
    leadMs: command.leadMs,
    durationSeconds: state.durationSeconds,
    someoneBuffering: command.someoneBuffering,
  });
  if (!next) return [];
  const data = {
    roomId: state.roomId,
    by: userId,
    cause: command.control.action,
    playback: toPlaybackRecord(next),
    decidedAt: command.now.toISOString(),
  };
  return [{ type: 'PlaybackChanged', data }];
}

function close(command: Extract<RoomCommand, { type: 'Close' }>, state: Room): RoomEvent[] {
  const { userId, reason } = command;
  if (reason === 'host') requireHost(state, userId);
  if (state.status === 'closed') return [];
  const now = command.now.getTime();
  // The film closes the room only once the authoritative timeline has passed its end.
  if (reason === 'ended' && !hasEnded(state.playback, now, state.durationSeconds)) return [];
  const playback = toPlaybackRecord(stopAt(state.playback, now, state.durationSeconds));
  const closedAt = command.now.toISOString();
  return [
    { type: 'RoomClosed', data: { roomId: state.roomId, by: userId, reason, playback, closedAt } },
  ];
}

function requireHost(state: Room, userId: string | null): void {
  if (userId !== state.hostId) refuse('not_room_host', 'only the host of the room may do this');
}

function requireOpen(state: Room): void {
  if (state.status === 'closed') refuse('room_closed', 'the room is closed');
}

/** The room aggregate: `room-<id>`. */
export const roomDecider: Decider<RoomCommand, RoomEvent, RoomState> = {
  category: 'room',
  initialState: undefined,
  decide,
  evolve,
  isEvent: (event: DomainEvent): event is RoomEvent => ROOM_EVENT_TYPES.has(event.type),
};
