import { v5 } from 'uuid';
import { type ScreeningEvent, screeningDecider } from '../domain/screening/index.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import type { Tx } from './db/database.js';
import type { Projection, ProjectionContext } from './projection.js';
import {
  type Notification,
  type NotificationType,
  notificationColumns,
  toNotification,
} from './queries/notification-queries.js';

/** Where committed notifications go live (Redis or in-process); never throws. */
export interface NotificationPublisher {
  publish(notifications: readonly Notification[]): void;
}

type Event<T extends ScreeningEvent['type']> = Extract<ScreeningEvent, { type: T }>;

/** One inbox row to write: its id is derived from the event, so a replay finds it again. */
interface Draft {
  readonly userId: string;
  readonly type: NotificationType;
  readonly data: Record<string, unknown>;
  readonly at: string;
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
      if (!screeningDecider.isEvent(event)) return;
      const drafts = await draftsFor(tx, event);
      if (drafts.length > 0) await insert(tx, event, drafts, context, publisher);
    },
  };
}

async function draftsFor(tx: Tx, event: ScreeningEvent): Promise<Draft[]> {
  switch (event.type) {
    case 'SeatsHeld':
      return bookingCreated(tx, event);
    case 'BookingConfirmed': {
      const { bookingId, paymentId, confirmedAt } = event.data;
      return toBooker(tx, bookingId, 'booking.confirmed', confirmedAt, { paymentId });
    }
    case 'BookingCancelled': {
      const { bookingId, reason, refundPaymentId, cancelledAt } = event.data;
      const extra = { reason, refunded: refundPaymentId !== null };
      return toBooker(tx, bookingId, 'booking.cancelled', cancelledAt, extra);
    }
    case 'BookingExpired':
      return toBooker(tx, event.data.bookingId, 'booking.expired', event.data.expiredAt, {});
    case 'PaymentRefunded': {
      const { bookingId, paymentId, refundId, amount, refundedAt } = event.data;
      const extra = { paymentId, refundId, refund: { ...amount } };
      return toBooker(tx, bookingId, 'booking.refunded', refundedAt, extra);
    }
    case 'ScreeningCancelled':
      return screeningCancelled(tx, event);
    case 'ScreeningScheduled':
    case 'PaymentRequested':
    case 'LatePaymentRejected':
      return [];
    default: {
      const _: never = event;
      return [];
    }
  }
}

async function screeningOf(tx: Tx, screeningId: string) {
  return tx
    .selectFrom('screenings')
    .select(['host_id', 'film_title', 'place_name', 'starts_at'])
    .where('id', '=', screeningId)
    .executeTakeFirst();
}

/** The host learns of every new booking on their screening. */
async function bookingCreated(tx: Tx, event: Event<'SeatsHeld'>): Promise<Draft[]> {
  const { screeningId, bookingId, userId, seats, quantity, amount, heldAt } = event.data;
  const screening = await screeningOf(tx, screeningId);
  if (!screening) return [];
  const data = {
    bookingId,
    screeningId,
    userId,
    filmTitle: screening.film_title,
    placeName: screening.place_name,
    startsAt: new Date(screening.starts_at).toISOString(),
    seats: seats.map(({ row, number }) => ({ row, number })),
    quantity,
    amount: { ...amount },
  };
  return [{ userId: screening.host_id, type: 'booking.created', data, at: heldAt }];
}

/** A notification to the booking's user, with the booking's essentials and `extra`. */
async function toBooker(
  tx: Tx,
  bookingId: string,
  type: NotificationType,
  at: string,
  extra: Record<string, unknown>,
): Promise<Draft[]> {
  const booking = await tx
    .selectFrom('bookings')
    .innerJoin('screenings', 'screenings.id', 'bookings.screening_id')
    .selectAll('bookings')
    .select(['screenings.film_title', 'screenings.starts_at'])
    .where('bookings.id', '=', bookingId)
    .executeTakeFirst();
  if (!booking) return [];
  const data = {
    bookingId,
    screeningId: booking.screening_id,
    filmTitle: booking.film_title,
    startsAt: new Date(booking.starts_at).toISOString(),
    seats: booking.seats,
    quantity: booking.quantity,
    amount: { amount: booking.amount, currency: booking.currency },
    ...extra,
  };
  return [{ userId: booking.user_id, type, data, at }];
}

/**
 * Everyone with a live booking: the screening's BookingCancelled events come after this one,
 * so the bookings still read PENDING or CONFIRMED here.
 */
async function screeningCancelled(tx: Tx, event: Event<'ScreeningCancelled'>): Promise<Draft[]> {
  const { screeningId, reason, cancelledAt } = event.data;
  const screening = await screeningOf(tx, screeningId);
  if (!screening) return [];
  const bookings = await tx
    .selectFrom('bookings')
    .select(['id', 'user_id'])
    .where('screening_id', '=', screeningId)
    .where('status', 'in', ['PENDING', 'CONFIRMED'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const byUser = new Map<string, string[]>();
  for (const { id, user_id } of bookings) byUser.set(user_id, [...(byUser.get(user_id) ?? []), id]);
  return [...byUser].map(([userId, bookingIds]) => ({
    userId,
    type: 'screening.cancelled',
    at: cancelledAt,
    data: {
      screeningId,
      filmTitle: screening.film_title,
      placeName: screening.place_name,
      startsAt: new Date(screening.starts_at).toISOString(),
      reason,
      bookingIds,
    },
  }));
}

async function insert(
  tx: Tx,
  event: RecordedEvent,
  drafts: readonly Draft[],
  context: ProjectionContext,
  publisher: NotificationPublisher | undefined,
): Promise<void> {
  const rows = await tx
    .insertInto('notifications')
    .values(
      drafts.map((draft) => ({
        id: v5(`${event.id}/${draft.userId}/${draft.type}`, NAMESPACE),
        user_id: draft.userId,
        type: draft.type,
        data: JSON.stringify(draft.data),
        created_at: draft.at,
        source_event_id: event.id,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning(notificationColumns)
    .execute();
  if (publisher && rows.length > 0) {
    const notifications = rows.map(toNotification);
    context.afterCommit(() => publisher.publish(notifications));
  }
}
