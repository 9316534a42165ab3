import type { ScreeningEvent } from '../../../domain/screening/index.js';
import type { NotificationType } from './notification-inbox.js';

type Event<T extends ScreeningEvent['type']> = Extract<ScreeningEvent, { type: T }>;

/** One inbox row to write: its id is derived from the event, so a replay finds it again. */
export interface Draft {
  readonly userId: string;
  readonly type: NotificationType;
  readonly data: Record<string, unknown>;
  readonly at: string;
}

/** What a notification shows of a screening (fields that never change once scheduled). */
export interface ScreeningFacts {
  readonly host_id: string;
  readonly film_title: string;
  readonly place_name: string;
  readonly starts_at: Date | string;
}

/** What a notification shows of a booking, with its screening's title and start. */
export interface BookingFacts {
  readonly screening_id: string;
  readonly user_id: string;
  readonly seats: readonly { readonly row: number; readonly number: number }[];
  readonly quantity: number;
  readonly amount: number;
  readonly currency: string;
  readonly film_title: string;
  readonly starts_at: Date | string;
}

/** The read models as they stand when the event is projected (after screenings and bookings). */
export interface DraftView {
  screening(screeningId: string): ScreeningFacts | undefined;
  booking(bookingId: string): BookingFacts | undefined;
  /** PENDING or CONFIRMED bookings of the screening, by creation time then id. */
  liveBookings(screeningId: string): readonly { readonly id: string; readonly user_id: string }[];
}

/** The notifications an event gives rise to, read from `view`. */
export function draftsFor(event: ScreeningEvent, view: DraftView): Draft[] {
  switch (event.type) {
    case 'SeatsHeld':
      return bookingCreated(event, view);
    case 'BookingConfirmed': {
      const { bookingId, paymentId, confirmedAt } = event.data;
      return toBooker(view, bookingId, 'booking.confirmed', confirmedAt, { paymentId });
    }
    case 'BookingCancelled': {
      const { bookingId, reason, refundPaymentId, cancelledAt } = event.data;
      const extra = { reason, refunded: refundPaymentId !== null };
      return toBooker(view, bookingId, 'booking.cancelled', cancelledAt, extra);
    }
    case 'BookingExpired':
      return toBooker(view, event.data.bookingId, 'booking.expired', event.data.expiredAt, {});
    case 'PaymentRefunded': {
      const { bookingId, paymentId, refundId, amount, refundedAt } = event.data;
      const extra = { paymentId, refundId, refund: { ...amount } };
      return toBooker(view, bookingId, 'booking.refunded', refundedAt, extra);
    }
    case 'ScreeningCancelled':
      return screeningCancelled(event, view);
    case 'ScreeningScheduled':
    case 'PaymentRequested':
    case 'LatePaymentRejected':
    case 'TicketCheckedIn':
      return [];
    default: {
      const _: never = event;
      return [];
    }
  }
}

/** The host learns of every new booking on their screening. */
function bookingCreated(event: Event<'SeatsHeld'>, view: DraftView): Draft[] {
  const { screeningId, bookingId, userId, seats, quantity, amount, heldAt } = event.data;
  const screening = view.screening(screeningId);
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
function toBooker(
  view: DraftView,
  bookingId: string,
  type: NotificationType,
  at: string,
  extra: Record<string, unknown>,
): Draft[] {
  const booking = view.booking(bookingId);
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
function screeningCancelled(event: Event<'ScreeningCancelled'>, view: DraftView): Draft[] {
  const { screeningId, reason, cancelledAt } = event.data;
  const screening = view.screening(screeningId);
  if (!screening) return [];
  const byUser = new Map<string, string[]>();
  for (const { id, user_id } of view.liveBookings(screeningId)) {
    byUser.set(user_id, [...(byUser.get(user_id) ?? []), id]);
  }
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
