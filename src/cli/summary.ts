import type { Money } from '../domain/money.js';
import { placeDecider } from '../domain/place/index.js';
import { screeningDecider } from '../domain/screening/index.js';
import { type Seat, type Seating, seatLabel } from '../domain/seat.js';
import type { RecordedEvent } from '../eventstore/event-store.js';
import { summarizeRoom } from './room-summary.js';

/** An id cut to its first characters, enough to tell events apart in a table. */
export const shortId = (id: string | null | undefined): string => (id ? `${id.slice(0, 8)}…` : '-');

const money = (m: Money): string => `${(m.amount / 100).toFixed(2)} ${m.currency}`;

const seating = (s: Seating): string =>
  s.kind === 'general' ? `general ${s.capacity}` : `assigned ${s.rows}×${s.seatsPerRow}`;

const places = (seats: readonly Seat[], quantity: number): string =>
  seats.length > 0 ? seats.map(seatLabel).join(', ') : `${quantity} place(s)`;

/** One line saying what an event did, for people reading `history`. */
export function summarize(event: RecordedEvent): string {
  if (placeDecider.isEvent(event)) {
    switch (event.type) {
      case 'PlaceCreated':
        return `created place "${event.data.name}" for host ${shortId(event.data.hostId)}`;
      case 'ScreeningAddedToPlace':
        return `scheduled screening ${shortId(event.data.screeningId)} at ${event.data.startsAt}`;
      case 'ScreeningRemovedFromPlace':
        return `removed screening ${shortId(event.data.screeningId)} from the schedule`;
      case 'PlaceDeleted':
        return `deleted the place at ${event.data.deletedAt}`;
      default: {
        const _: never = event;
        return '';
      }
    }
  }
  if (screeningDecider.isEvent(event)) return summarizeScreening(event);
  const room = summarizeRoom(event);
  if (room !== undefined) return room;
  return `${JSON.stringify(event.data).slice(0, 80)}`;
}

function summarizeScreening(event: RecordedEvent): string {
  if (!screeningDecider.isEvent(event)) return '';
  switch (event.type) {
    case 'ScreeningScheduled': {
      const d = event.data;
      return `film ${shortId(d.filmId)} at place ${shortId(d.placeId)}, ${d.startsAt}, ${seating(d.seating)}, ${money(d.price)}`;
    }
    case 'ScreeningCancelled':
      return `cancelled the screening${event.data.reason ? ` (${event.data.reason})` : ''}`;
    case 'SeatsHeld': {
      const d = event.data;
      return `held ${places(d.seats, d.quantity)} for booking ${shortId(d.bookingId)} until ${d.expiresAt} (${money(d.amount)})`;
    }
    case 'BookingConfirmed': {
      const payment = event.data.paymentId ? `payment ${shortId(event.data.paymentId)}` : 'free';
      return `confirmed booking ${shortId(event.data.bookingId)} (${payment})`;
    }
    case 'BookingExpired':
      return `expired booking ${shortId(event.data.bookingId)}`;
    case 'BookingCancelled': {
      const { bookingId, reason, refundPaymentId } = event.data;
      const refund = refundPaymentId ? `; refund payment ${shortId(refundPaymentId)}` : '';
      return `cancelled booking ${shortId(bookingId)} (${reason}${refund})`;
    }
    case 'PaymentRequested': {
      const { bookingId, payment } = event.data;
      return `${payment.provider} payment ${shortId(payment.paymentId)} opened for booking ${shortId(bookingId)}`;
    }
    case 'PaymentRefunded': {
      const d = event.data;
      return `refunded payment ${shortId(d.paymentId)} of booking ${shortId(d.bookingId)} (${money(d.amount)})`;
    }
    case 'LatePaymentRejected':
      return `rejected late payment ${shortId(event.data.paymentId)} for booking ${shortId(event.data.bookingId)}`;
    case 'TicketCheckedIn': {
      const { bookingId, userId, checkedInAt } = event.data;
      return `checked in user ${shortId(userId)} (booking ${shortId(bookingId)}) at ${checkedInAt}`;
    }
    default: {
      const _: never = event;
      return '';
    }
  }
}
