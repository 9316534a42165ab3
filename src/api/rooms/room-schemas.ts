import { z } from 'zod';
import { MAX_RATE, MIN_RATE } from '../../domain/room/index.js';
import { pageQuery, pageSchema } from '../pagination.js';

/** The room's timeline; while playing, position at T = position + (T − at) × rate. */
export const playbackSchema = z.object({
  status: z.enum(['paused', 'playing', 'waiting']),
  position: z.number().describe('seconds, at `at`'),
  at: z.iso.datetime().describe('server time, ISO with milliseconds'),
  rate: z.number(),
  seq: z.number().int().describe('incremented by every playback change'),
});

export const roomMemberSchema = z.object({
  userId: z.uuid(),
  displayName: z.string(),
  role: z.enum(['host', 'member']),
  online: z.boolean(),
  ready: z.boolean(),
});

export const roomSchema = z.object({
  id: z.uuid(),
  filmId: z.uuid(),
  film: z.object({ id: z.uuid(), title: z.string(), durationMinutes: z.number().int() }),
  hostId: z.uuid(),
  status: z.enum(['open', 'closed']),
  locked: z.boolean().describe('only the host controls playback'),
  members: z.array(roomMemberSchema),
  invited: z.array(z.uuid()),
  playback: playbackSchema,
  createdAt: z.iso.datetime(),
  closedAt: z.iso.datetime().nullable(),
});

export const chatMessageSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  displayName: z.string(),
  text: z.string(),
  mediaPosition: z.number().describe("the sender's media position (s) when sent"),
  sentAt: z.iso.datetime(),
});

export const openRoomBody = z.object({
  filmId: z.uuid(),
  invite: z.array(z.uuid()).max(100).optional(),
  locked: z.boolean().optional(),
});

export const inviteBody = z.object({ userIds: z.array(z.uuid()).min(1).max(100) });
export const roomParams = z.object({ roomId: z.uuid() });
export const roomListQuery = z.object(pageQuery);
export const messagesQuery = z.object({
  before: z.uuid().optional().describe('a message id: only older messages'),
  limit: pageQuery.limit,
});
export const roomPage = pageSchema(roomSchema);
export const messagePage = pageSchema(chatMessageSchema);

/** A control as the room socket receives it. */
export const controlMessage = z.object({
  type: z.literal('control'),
  action: z.enum(['play', 'pause', 'seek', 'rate']),
  position: z.number().min(0).max(1e7).optional(),
  rate: z.number().min(MIN_RATE).max(MAX_RATE).optional(),
  requestId: z.string().max(100).optional(),
});
