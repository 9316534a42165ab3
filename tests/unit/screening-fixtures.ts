import type { Money } from '../../src/domain/money.js';
import type {
  CancellationReason,
  ScreeningCommand,
  ScreeningEvent,
} from '../../src/domain/screening/index.js';
import type { Seat, Seating } from '../../src/domain/seat.js';

type CommandOf<T extends ScreeningCommand['type']> = Extract<ScreeningCommand, { type: T }>;
type EventOf<T extends ScreeningEvent['type']> = Extract<ScreeningEvent, { type: T }>;

export const screeningId = 's1';
export const hostId = 'host-1';
export const now = new Date('2030-01-01T10:00:00.000Z');
export const startsAt = new Date('2030-01-02T20:00:00.000Z');
export const endsAt = new Date('2030-01-02T22:00:00.000Z');
export const price: Money = { amount: 1200, currency: 'EUR' };
export const free: Money = { amount: 0, currency: 'EUR' };
export const holdSeconds = 900;

export const general = (capacity: number): Seating => ({ kind: 'general', capacity });
export const assigned = (rows: number, seatsPerRow: number): Seating => ({
  kind: 'assigned',
  rows,
  seatsPerRow,
});

/** Seconds after `now`. */
export const at = (seconds: number): Date => new Date(now.getTime() + seconds * 1000);

export function scheduled(
  seating: Seating,
  unitPrice: Money = price,
  scheduledAt = '2029-12-01T09:00:00.000Z',
): EventOf<'ScreeningScheduled'> {
  return {
    type: 'ScreeningScheduled',
    data: {
      screeningId,
      placeId: 'p1',
      hostId,
      filmId: 'f1',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      price: unitPrice,
      seating,
      scheduledAt,
    },
  };
}

export interface HeldOptions {
  readonly seats?: readonly Seat[];
  readonly quantity?: number;
  readonly unitPrice?: Money;
  readonly heldAt?: Date;
  readonly holdSeconds?: number;
}

/** A SeatsHeld event as HoldSeats decides it at `heldAt` (default `now`). */
export function held(
  bookingId: string,
  userId: string,
  options: HeldOptions = {},
): EventOf<'SeatsHeld'> {
  const seats = options.seats ?? [];
  const quantity = options.quantity ?? seats.length;
  const unitPrice = options.unitPrice ?? price;
  const heldAt = options.heldAt ?? now;
  return {
    type: 'SeatsHeld',
    data: {
      screeningId,
      bookingId,
      userId,
      seats,
      quantity,
      amount: { amount: unitPrice.amount * quantity, currency: unitPrice.currency },
      heldAt: heldAt.toISOString(),
      expiresAt: new Date(
        heldAt.getTime() + (options.holdSeconds ?? holdSeconds) * 1000,
      ).toISOString(),
    },
  };
}

export function confirmed(
  bookingId: string,
  paymentId: string | null,
  confirmedAt: Date = now,
): ScreeningEvent {
  return {
    type: 'BookingConfirmed',
    data: { screeningId, bookingId, paymentId, confirmedAt: confirmedAt.toISOString() },
  };
}

export function expired(bookingId: string, expiredAt: Date = at(holdSeconds)): ScreeningEvent {
  return {
    type: 'BookingExpired',
    data: { screeningId, bookingId, expiredAt: expiredAt.toISOString() },
  };
}

export function cancelled(
  bookingId: string,
  reason: CancellationReason,
  refundPaymentId: string | null = null,
  cancelledAt: Date = now,
): ScreeningEvent {
  return {
    type: 'BookingCancelled',
    data: {
      screeningId,
      bookingId,
      reason,
      refundPaymentId,
      cancelledAt: cancelledAt.toISOString(),
    },
  };
}

export function latePayment(
  bookingId: string,
  paymentId: string,
  rejectedAt: Date = now,
): ScreeningEvent {
  return {
    type: 'LatePaymentRejected',
    data: { screeningId, bookingId, paymentId, rejectedAt: rejectedAt.toISOString() },
  };
}

export function screeningCancelled(reason: string | null, cancelledAt: Date = now): ScreeningEvent {
  return {
    type: 'ScreeningCancelled',
    data: { screeningId, reason, cancelledAt: cancelledAt.toISOString() },
  };
}

export function schedule(
  overrides: Partial<CommandOf<'ScheduleScreening'>> = {},
): CommandOf<'ScheduleScreening'> {
  return {
    type: 'ScheduleScreening',
    screeningId,
    placeId: 'p1',
    hostId,
    filmId: 'f1',
    startsAt,
    endsAt,
    price,
    seating: general(50),
    now,
    ...overrides,
  };
}

export function hold(
  bookingId: string,
  userId: string,
  choice: { readonly seats?: readonly Seat[] | null; readonly quantity?: number | null },
  when: Date = now,
): CommandOf<'HoldSeats'> {
  return {
    type: 'HoldSeats',
    screeningId,
    bookingId,
    userId,
    seats: choice.seats ?? null,
    quantity: choice.quantity ?? null,
    now: when,
    holdSeconds,
    payment: null,
  };
}

export function confirm(
  bookingId: string,
  paymentId: string,
  when: Date = now,
): CommandOf<'ConfirmBooking'> {
  return { type: 'ConfirmBooking', screeningId, bookingId, paymentId, now: when };
}

export function failPayment(
  bookingId: string,
  paymentId: string,
  when: Date = now,
): CommandOf<'FailBookingPayment'> {
  return { type: 'FailBookingPayment', screeningId, bookingId, paymentId, now: when };
}

export function expire(bookingId: string, when: Date): CommandOf<'ExpireBooking'> {
  return { type: 'ExpireBooking', screeningId, bookingId, now: when };
}

export function cancelBooking(
  bookingId: string,
  userId: string,
  when: Date = now,
): CommandOf<'CancelBooking'> {
  return { type: 'CancelBooking', screeningId, bookingId, userId, now: when };
}

export function cancelScreening(
  by: string = hostId,
  when: Date = now,
  reason: string | null = 'projector broke',
): CommandOf<'CancelScreening'> {
  return { type: 'CancelScreening', screeningId, hostId: by, reason, now: when };
}

/** Seat helper: `seat(3, 7)` is row 3, seat 7. */
export const seat = (row: number, number: number): Seat => ({ row, number });
