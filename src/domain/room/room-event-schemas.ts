import { z } from 'zod';

const playback = z.object({
  status: z.enum(['paused', 'playing', 'waiting']),
  position: z.number(),
  at: z.string(),
  rate: z.number(),
  seq: z.number().int(),
});

/** The data of each room event, checked as events are read and imported. */
export const roomEventSchemas = {
  RoomOpened: z.object({
    roomId: z.string(),
    filmId: z.string(),
    hostId: z.string(),
    durationSeconds: z.number(),
    locked: z.boolean(),
    invited: z.array(z.string()),
    playback,
    openedAt: z.string(),
  }),
  RoomInvited: z.object({
    roomId: z.string(),
    by: z.string(),
    userIds: z.array(z.string()),
    invitedAt: z.string(),
  }),
  RoomJoined: z.object({ roomId: z.string(), userId: z.string(), joinedAt: z.string() }),
  RoomLeft: z.object({ roomId: z.string(), userId: z.string(), leftAt: z.string() }),
  RoomLockChanged: z.object({
    roomId: z.string(),
    by: z.string(),
    locked: z.boolean(),
    at: z.string(),
  }),
  PlaybackChanged: z.object({
    roomId: z.string(),
    by: z.string().nullable(),
    cause: z.enum(['play', 'pause', 'seek', 'rate', 'waiting_released']),
    playback,
    decidedAt: z.string(),
  }),
  RoomClosed: z.object({
    roomId: z.string(),
    by: z.string().nullable(),
    reason: z.enum(['host', 'ended', 'empty']),
    playback,
    closedAt: z.string(),
  }),
};

/** The data of a chat event. */
export const roomChatEventSchemas = {
  ChatMessagePosted: z.object({
    roomId: z.string(),
    messageId: z.string(),
    userId: z.string(),
    text: z.string(),
    mediaPosition: z.number(),
    sentAt: z.string(),
  }),
};
