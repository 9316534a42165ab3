import { v5 } from 'uuid';
import { roomDecider } from '../../../domain/room/index.js';
import { type ScreeningEvent, screeningDecider } from '../../../domain/screening/index.js';
import { followingDecider } from '../../../domain/social/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { NewNotificationRow, Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection, ProjectionContext } from '../../engine/projection.js';
import { roomInviteDrafts } from '../rooms/room-invite-drafts.js';
import { screeningBatchOf } from '../screenings/screening-batch.js';
import { type Draft, type DraftView, draftsFor } from './notification-drafts.js';
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
    async apply(tx, event, context) {
      if (followingDecider.isEvent(event)) {
        await insert(
          tx,
          (await followDrafts(tx, [event])).map(toRow(event.id)),
          context,
          publisher,
        );
        return;
      }
      if (roomDecider.isEvent(event)) {
        const drafts = await roomInviteDrafts(tx, [event]);
        await insert(tx, drafts.map(toRow(event.id)), context, publisher);
        return;
      }
      if (!screeningDecider.isEvent(event)) return;
      const drafts = draftsFor(event, await viewFromDb(tx, event));
      await insert(tx, drafts.map(toRow(event.id)), context, publisher);
    },
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

/** What the event's notifications read, fetched from the tables the other projections wrote. */
async function viewFromDb(tx: Tx, event: ScreeningEvent): Promise<DraftView> {
  const none: DraftView = {
    screening: () => undefined,
    booking: () => undefined,
    liveBookings: () => [],
  };
  switch (event.type) {
    case 'SeatsHeld':
    case 'ScreeningCancelled': {
      const screening = await screeningOf(tx, event.data.screeningId);
      const cancelled = event.type === 'ScreeningCancelled' && screening !== undefined;
      const live = cancelled ? await liveBookingsOf(tx, event.data.screeningId) : [];
      return { ...none, screening: () => screening, liveBookings: () => live };
    }
    case 'BookingConfirmed':
    case 'BookingCancelled':
    case 'BookingExpired':
    case 'PaymentRefunded': {
      const booking = await bookingOf(tx, event.data.bookingId);
      return { ...none, booking: () => booking };
    }
    case 'ScreeningScheduled':
    case 'PaymentRequested':
    case 'LatePaymentRejected':
    case 'TicketCheckedIn':
      return none;
    default: {
      const _: never = event;
      return none;
    }
  }
}

function screeningOf(tx: Tx, screeningId: string) {
  return tx
    .selectFrom('screenings')
    .select(['host_id', 'film_title', 'place_name', 'starts_at'])
    .where('id', '=', screeningId)
    .executeTakeFirst();
}

function bookingOf(tx: Tx, bookingId: string) {
  return tx
    .selectFrom('bookings')
    .innerJoin('screenings', 'screenings.id', 'bookings.screening_id')
    .selectAll('bookings')
    .select(['screenings.film_title', 'screenings.starts_at'])
    .where('bookings.id', '=', bookingId)
    .executeTakeFirst();
}

function liveBookingsOf(tx: Tx, screeningId: string) {
  return tx
    .selectFrom('bookings')
    .select(['id', 'user_id'])
    .where('screening_id', '=', screeningId)
    .where('status', 'in', ['PENDING', 'CONFIRMED'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** The inbox row of a draft: its id is derived from the event, so a replay finds it again. */
const toRow =
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
