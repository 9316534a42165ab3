import { Map as ImmutableMap } from 'immutable';
import { assertNever } from '../errors.js';
import type { Money } from '../money.js';
import { type Seat, type Seating, seatKey } from '../seat.js';
import type { Payment, ScreeningEvent } from './screening-events.js';

export type BookingStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED';

/** A booking as the screening aggregate knows it. */
export interface BookingState {
  readonly bookingId: string;
  readonly userId: string;
  readonly status: BookingStatus;
  readonly seats: readonly Seat[];
  readonly quantity: number;
  readonly amount: Money;
  readonly heldAt: string;
  readonly expiresAt: string;
  readonly paymentId: string | null;
  /** Payments already rejected as late, so a redelivered one is not refunded twice. */
  readonly rejectedPaymentIds: readonly string[];
  /** The payment billing opened for this booking, once it has. */
  readonly payment: Payment | null;
  readonly refundedPaymentIds: readonly string[];
  /** When the holder was admitted at the door; null until then. */
  readonly checkedInAt: string | null;
}

export interface ScheduledScreening {
  readonly status: 'scheduled' | 'cancelled';
  readonly screeningId: string;
  readonly placeId: string;
  readonly hostId: string;
  readonly filmId: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly price: Money;
  readonly seating: Seating;
  /** Persistent maps keep `evolve` pure without copying thousands of bookings per event. */
  readonly bookings: ImmutableMap<string, BookingState>;
  /** Seat key → booking id, for seats held or sold (assigned seating only). */
  readonly seatOwners: ImmutableMap<string, string>;
  /** Places held or sold: the capacity invariant is `taken <= capacity`. */
  readonly taken: number;
}

/** Folded state of a screening. */
export type ScreeningState = { readonly status: 'initial' } | ScheduledScreening;

export const initialScreeningState: ScreeningState = { status: 'initial' };

/** Whether a booking still holds its places. */
export function isLive(booking: BookingState): boolean {
  return booking.status === 'PENDING' || booking.status === 'CONFIRMED';
}

/** Applies one event to the state. */
export function evolveScreening(state: ScreeningState, event: ScreeningEvent): ScreeningState {
  if (event.type === 'ScreeningScheduled') {
    const { scheduledAt: _, ...data } = event.data;
    return {
      status: 'scheduled',
      ...data,
      bookings: ImmutableMap(),
      seatOwners: ImmutableMap(),
      taken: 0,
    };
  }
  if (state.status === 'initial') return state;
  switch (event.type) {
    case 'ScreeningCancelled':
      return { ...state, status: 'cancelled' };
    case 'SeatsHeld': {
      const { bookingId, userId, seats, quantity, amount, heldAt, expiresAt } = event.data;
      const booking: BookingState = {
        bookingId,
        userId,
        status: 'PENDING',
        seats,
        quantity,
        amount,
        heldAt,
        expiresAt,
        paymentId: null,
        rejectedPaymentIds: [],
        payment: null,
        refundedPaymentIds: [],
        checkedInAt: null,
      };
      const seatOwners = state.seatOwners.withMutations((owners) => {
        for (const seat of seats) owners.set(seatKey(seat), bookingId);
      });
      return {
        ...state,
        bookings: state.bookings.set(bookingId, booking),
        seatOwners,
        taken: state.taken + quantity,
      };
    }
    case 'BookingConfirmed':
      return updateBooking(state, event.data.bookingId, (b) => ({
        ...b,
        status: 'CONFIRMED',
        paymentId: event.data.paymentId,
      }));
    case 'BookingExpired':
      return release(state, event.data.bookingId, 'EXPIRED');
    case 'BookingCancelled':
      return release(state, event.data.bookingId, 'CANCELLED');
    case 'LatePaymentRejected':
      return updateBooking(state, event.data.bookingId, (b) => ({
        ...b,
        rejectedPaymentIds: [...b.rejectedPaymentIds, event.data.paymentId],
      }));
    case 'PaymentRequested':
      return updateBooking(state, event.data.bookingId, (b) => ({
        ...b,
        payment: event.data.payment,
      }));
    case 'PaymentRefunded':
      return updateBooking(state, event.data.bookingId, (b) => ({
        ...b,
        refundedPaymentIds: [...b.refundedPaymentIds, event.data.paymentId],
      }));
    case 'TicketCheckedIn':
      return updateBooking(state, event.data.bookingId, (b) => ({
        ...b,
        checkedInAt: event.data.checkedInAt,
      }));
    default:
      return assertNever(event);
  }
}

function updateBooking(
  state: ScheduledScreening,
  bookingId: string,
  update: (booking: BookingState) => BookingState,
): ScheduledScreening {
  const booking = state.bookings.get(bookingId);
  return booking ? { ...state, bookings: state.bookings.set(bookingId, update(booking)) } : state;
}

/** Ends a live booking and gives its places back. */
function release(
  state: ScheduledScreening,
  bookingId: string,
  status: 'EXPIRED' | 'CANCELLED',
): ScheduledScreening {
  const booking = state.bookings.get(bookingId);
  if (!booking || !isLive(booking)) return state;
  const seatOwners = state.seatOwners.withMutations((owners) => {
    for (const seat of booking.seats) owners.delete(seatKey(seat));
  });
  return {
    ...state,
    bookings: state.bookings.set(bookingId, { ...booking, status }),
    seatOwners,
    taken: state.taken - booking.quantity,
  };
}
