import { z } from 'zod';
import {
  NOTIFICATION_TYPES,
  type Notification,
} from '../../projections/read-models/notifications/notification-inbox.js';
import type { NotificationPublisher } from '../../projections/read-models/notifications/notifications-projection.js';
import type { RealtimeBus } from '../realtime/realtime-bus.js';

/** The bus topic of one user's notifications. */
export const userTopic = (userId: string) => `user:${userId}`;

const notificationSchema = z.object({
  id: z.string(),
  userId: z.string(),
  type: z.enum(NOTIFICATION_TYPES),
  createdAt: z.string(),
  data: z.record(z.string(), z.unknown()),
  cursor: z.string().regex(/^\d+$/),
});

/** What travels on a `user:<id>` topic: that user's new inbox rows, in cursor order. */
export const notificationsMessage = z.object({ notifications: z.array(notificationSchema) });

/** Publishes committed notifications on their recipients' topics. */
export function notificationFanOut(bus: RealtimeBus): NotificationPublisher {
  return {
    publish(notifications) {
      const byUser = new Map<string, Notification[]>();
      for (const notification of notifications) {
        byUser.set(notification.userId, [...(byUser.get(notification.userId) ?? []), notification]);
      }
      for (const [userId, mine] of byUser) {
        const message: z.input<typeof notificationsMessage> = { notifications: mine };
        void bus.publish(userTopic(userId), message);
      }
    },
  };
}
