import { v5 } from 'uuid';
import { followingDecider } from '../../../domain/social/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { NewNotificationRow, Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection, ProjectionContext } from '../../engine/projection.js';
import { roomInviteDrafts } from '../rooms/room-invite-drafts.js';
import { screeningBatchOf } from '../screenings/screening-batch.js';
import type { Draft } from './notification-drafts.js';
import { type Notification, notificationColumns, toNotification } from './notification-inbox.js';

/** Where committed notifications go live (Redis or in-process); never throws. */
export interface NotificationPublisher {
  publish(notifications: readonly Notification[]): void;
}

const NAMESPACE = 'a3c6f0e2-5b1d-4f8e-9c7a-2d4b6e8f0a1c';

/**
 * The notifications inbox. Runs after the other read models, so it reads the screening and
 * booking rows they just wrote; `publisher` (absent in rebuilds and replays) pushes the rows
 * it inserted once the batch commits.
 */
export function notificationsProjection(publisher?: NotificationPublisher): Projection {
  return {
    name: 'notifications',
    async applyBatch(tx, events, context) {
      const batch = await screeningBatchOf(tx, events, context);
      const rows = batch.notifications.flatMap(({ eventId, drafts }) => drafts.map(toRow(eventId)));
      const follows = events.filter((event) => followingDecider.isEvent(event));
      const followRows = (await followDrafts(tx, follows)).map((draft) =>
        toRow(draft.eventId)(draft),
      );
      const roomRows = (await roomInviteDrafts(tx, events)).map((draft) =>
        toRow(draft.eventId)(draft),
      );
      await insert(tx, [...rows, ...followRows, ...roomRows], context, publisher);
    },
  };
}

/** `user.followed` to each followee, with the follower's display name. */
async function followDrafts(
  tx: Tx,
  events: readonly RecordedEvent[],
): Promise<(Draft & { eventId: string })[]> {
  const followed = events.flatMap((event) =>
    followingDecider.isEvent(event) && event.type === 'UserFollowed'
      ? [{ eventId: event.id, ...event.data }]
      : [],
  );
  if (followed.length === 0) return [];
  const users = await tx
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(followed.map((f) => f.followerId))])
    .execute();
  const names = new Map(users.map((user) => [user.id, user.display_name]));
  return followed.map(({ eventId, followerId, followeeId, followedAt }) => ({
    eventId,
    userId: followeeId,
    type: 'user.followed',
    data: { followerId, displayName: names.get(followerId) ?? null },
    at: followedAt,
  }));
}

/** The inbox row of a draft: its id is derived from the event, so a replay finds it again. */
export const toRow =
  (eventId: string) =>
  (draft: Draft): NewNotificationRow => ({
    id: v5(`${eventId}/${draft.userId}/${draft.type}`, NAMESPACE),
    user_id: draft.userId,
    type: draft.type,
    data: JSON.stringify(draft.data),
    created_at: draft.at,
    source_event_id: eventId,
  });

async function insert(
  tx: Tx,
  rows: readonly NewNotificationRow[],
  context: ProjectionContext,
  publisher: NotificationPublisher | undefined,
): Promise<void> {
  const notifications: Notification[] = [];
  for (const chunk of chunks(rows)) {
    const query = tx
      .insertInto('notifications')
      .values(chunk)
      .onConflict((oc) => oc.doNothing());
    // Without a publisher (rebuilds, replays) nothing reads the inserted rows back.
    if (!publisher) await query.execute();
    else
      notifications.push(
        ...(await query.returning(notificationColumns).execute()).map(toNotification),
      );
  }
  if (publisher && notifications.length > 0) {
    context.afterCommit(() => publisher.publish(notifications));
  }
}
