import { z } from 'zod';
import { NOTIFICATION_TYPES } from '../../projections/read-models/notifications/notification-inbox.js';

/** An inbox cursor: the notification's position, a non-negative integer as a string. */
export const notificationCursor = z
  .string()
  .regex(/^\d{1,18}$/, 'a notification cursor (digits)')
  .describe('A `cursor` of a notification this server sent');

/** A notification as the inbox and the WebSocket send it. */
export const notificationSchema = z.object({
  id: z.uuid(),
  type: z.enum(NOTIFICATION_TYPES),
  createdAt: z.iso.datetime(),
  data: z
    .record(z.string(), z.unknown())
    .describe('Ids and details of what happened (bookingId, screeningId, filmTitle, …)'),
  cursor: z.string().describe('Position in the inbox: pass it as `after` to read what follows'),
});

/** Query of GET /api/notifications. */
export const inboxQuery = z.object({
  after: notificationCursor.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** The inbox page: `nextCursor` is set while more notifications follow. */
export const inboxSchema = z.object({
  items: z.array(notificationSchema),
  nextCursor: z.string().nullable(),
});

/** What a client may send on the notifications WebSocket. */
export const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), after: notificationCursor.optional() }),
]);

/** Query of GET /api/ws (the token may come in the Authorization header instead). */
export const socketQuery = z.object({ token: z.string().optional() });
