import { v7 as uuidv7 } from 'uuid';
import type { CloseReason, PlaybackControl } from '../domain/room/index.js';
import type { CommandContext } from './command-context.js';
import type { CommandMetadata } from './event-envelope.js';

/** Opens a room for a film with media; the caller has found the film and its length. */
export function openRoom(
  ctx: CommandContext,
  input: {
    readonly roomId: string;
    readonly filmId: string;
    readonly hostId: string;
    readonly durationSeconds: number;
    readonly invite: readonly string[];
    readonly locked: boolean;
  },
  metadata: CommandMetadata,
) {
  return ctx.rooms.handle(
    input.roomId,
    { type: 'OpenRoom', ...input, now: ctx.now() },
    { metadata },
  );
}

/** Invites users (host only). */
export function inviteToRoom(
  ctx: CommandContext,
  input: { readonly roomId: string; readonly userId: string; readonly userIds: readonly string[] },
  metadata: CommandMetadata,
) {
  const { roomId, userId, userIds } = input;
  return ctx.rooms.handle(
    roomId,
    { type: 'Invite', userId, userIds, now: ctx.now() },
    { metadata },
  );
}

/** Joins (invitees, friends of the host) or leaves a room; both idempotent. */
export function setRoomMembership(
  ctx: CommandContext,
  input: {
    readonly roomId: string;
    readonly userId: string;
    readonly join: boolean;
    readonly friendOfHost: boolean;
  },
  metadata: CommandMetadata,
) {
  const { roomId, userId, friendOfHost } = input;
  const now = ctx.now();
  const command = input.join
    ? ({ type: 'Join', userId, friendOfHost, now } as const)
    : ({ type: 'Leave', userId, now } as const);
  return ctx.rooms.handle(roomId, command, { metadata });
}

/** Locks or unlocks the controls (host only). */
export function setRoomLock(
  ctx: CommandContext,
  input: { readonly roomId: string; readonly userId: string; readonly locked: boolean },
  metadata: CommandMetadata,
) {
  const { roomId, userId, locked } = input;
  return ctx.rooms.handle(
    roomId,
    { type: 'SetLock', userId, locked, now: ctx.now() },
    { metadata },
  );
}

/** A member's play, pause, seek or rate, decided at the server's now. */
export function controlPlayback(
  ctx: CommandContext,
  input: {
    readonly roomId: string;
    readonly userId: string;
    readonly control: PlaybackControl;
    readonly leadMs: number;
    readonly someoneBuffering: boolean;
  },
  metadata: CommandMetadata,
) {
  const { roomId, ...rest } = input;
  return ctx.rooms.handle(roomId, { type: 'Control', ...rest, now: ctx.now() }, { metadata });
}

/** Starts a waiting room once nobody is waited for any more. */
export function releaseWaiting(
  ctx: CommandContext,
  roomId: string,
  leadMs: number,
  metadata: CommandMetadata,
) {
  return ctx.rooms.handle(roomId, { type: 'ReleaseWaiting', leadMs, now: ctx.now() }, { metadata });
}

/** Closes a room: by its host (`userId`), or by itself (`userId` null: ended or empty). */
export function closeRoom(
  ctx: CommandContext,
  input: { readonly roomId: string; readonly userId: string | null; readonly reason: CloseReason },
  metadata: CommandMetadata,
) {
  const { roomId, userId, reason } = input;
  return ctx.rooms.handle(roomId, { type: 'Close', userId, reason, now: ctx.now() }, { metadata });
}

/** Posts a chat message to the room's own chat stream; the caller has checked membership. */
export function postChatMessage(
  ctx: CommandContext,
  input: {
    readonly roomId: string;
    readonly userId: string;
    readonly text: string;
    readonly mediaPosition: number;
  },
  metadata: CommandMetadata,
) {
  const command = { type: 'PostMessage', ...input, messageId: uuidv7(), now: ctx.now() } as const;
  return ctx.roomChats.handle(input.roomId, command, { metadata });
}
