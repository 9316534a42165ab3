import { assertNever, refuse } from '../errors.js';
import { isValidSeating } from '../seat.js';
import { decideCheckIn } from './check-in.js';
import { decideHold } from './hold-seats.js';
import type { ScreeningCommand } from './screening-commands.js';
import type { ScreeningEvent } from './screening-events.js';
import {
  type BookingState,
  isLive,
  type ScheduledScreening,
  type ScreeningState,
} from './screening-state.js';

/** Highest ticket price (minor units): ten of them still fit every amount column. */
export const MAX_PRICE = 100_000_000;

type Command<T extends ScreeningCommand['type']> = Extract<ScreeningCommand, { type: T }>;

/** Decides the events a command produces, or throws a DomainError. */
export function decideScreening(
  command: ScreeningCommand,
  state: ScreeningState,
): ScreeningEvent[] {
  switch (command.type) {
    case 'ScheduleScreening':
      return schedule(command, state);
    case 'CancelScreening':
      return cancelScreening(command, requireScreening(state, command.screeningId));
    case 'HoldSeats':
      return decideHold(command, requireScreening(state, command.screeningId));
    case 'ConfirmBooking':
      return confirm(command, requireScreening(state, command.screeningId));
    case 'FailBookingPayment': {
      const booking = requireBooking(
        requireScreening(state, command.screeningId),
        command.bookingId,
      );
      if (booking.status !== 'PENDING') return [];
      return [cancellation(command.screeningId, booking, 'payment_failed', command.now)];
    }
    case 'ExpireBooking':
      return expire(command, requireScreening(state, command.screeningId));
    case 'CancelBooking':
      return cancelBooking(command, requireScreening(state, command.screeningId));
    case 'RequestPayment':
      return requestPayment(command, requireScreening(state, command.screeningId));
    case 'RecordRefund':
      return recordRefund(command, requireScreening(state, command.screeningId));
    case 'CheckInTicket':
      return decideCheckIn(command, requireScreening(state, command.screeningId));
    default:
      return assertNever(command);
  }
}

function schedule(command: Command<'ScheduleScreening'>, state: ScreeningState): ScreeningEvent[] {
  if (state.status !== 'initial') {
    if (state.hostId === command.hostId && state.startsAt === command.startsAt.toISOString())
      return [];
    return refuse('screening_already_exists', `screening ${command.screeningId} already exists`);
  }
  if (command.startsAt <= command.now)
    return refuse('starts_in_past', 'a screening must start in the future');
  if (command.endsAt <= command.startsAt)
    return refuse('invalid_screening', 'a screening must end after it starts');
  const amount = command.price.amount;
  if (!Number.isInteger(amount) || amount < 0 || amount > MAX_PRICE) {
    return refuse(
      'invalid_screening',
      `the price must be a whole number of minor units from 0 to ${MAX_PRICE}`,
    );
  }
  if (!isValidSeating(command.seating)) {
    return refuse(
      'invalid_screening',
      'seating needs whole positive numbers of places, rows and seats',
    );
  }
  const { screeningId, placeId, hostId, filmId, price, seating } = command;
  return [
    {
      type: 'ScreeningScheduled',
      data: {
        screeningId,
        placeId,
        hostId,
        filmId,
        startsAt: command.startsAt.toISOString(),
        endsAt: command.endsAt.toISOString(),
        price,
        seating,
        scheduledAt: command.now.toISOString(),
      },
    },
  ];
}

function cancelScreening(
  command: Command<'CancelScreening'>,
  state: ScheduledScreening,
): ScreeningEvent[] {
  if (state.hostId !== command.hostId)
    return refuse('not_screening_host', 'only the host can cancel a screening');
  if (state.status === 'cancelled')
    return refuse('screening_cancelled', 'the screening is already cancelled');
  if (new Date(state.startsAt) <= command.now) {
    return refuse('screening_already_started', 'a screening that has started cannot be cancelled');
  }
  const cancelledAt = command.now.toISOString();
  const bookings = [...state.bookings.values()].filter(isLive);
  return [
    {
      type: 'ScreeningCancelled',
      data: { screeningId: state.screeningId, reason: command.reason, cancelledAt },
    },
    ...bookings.map((b) => cancellation(state.screeningId, b, 'screening_cancelled', command.now)),
  ];
}

function confirm(command: Command<'ConfirmBooking'>, state: ScheduledScreening): ScreeningEvent[] {
  const booking = requireBooking(state, command.bookingId);
  const { screeningId, bookingId, paymentId } = command;
  if (booking.status === 'PENDING') {
    return [
      {
        type: 'BookingConfirmed',
        data: { screeningId, bookingId, paymentId, confirmedAt: command.now.toISOString() },
      },
    ];
  }
  // A redelivered confirmation of the payment that already settled it, or an already rejected one.
  if (booking.paymentId === paymentId || booking.rejectedPaymentIds.includes(paymentId)) return [];
  // Paid after the hold ended (or paid twice): the money must go back.
  return [
    {
      type: 'LatePaymentRejected',
      data: { screeningId, bookingId, paymentId, rejectedAt: command.now.toISOString() },
    },
  ];
}

function expire(command: Command<'ExpireBooking'>, state: ScheduledScreening): ScreeningEvent[] {
  const booking = requireBooking(state, command.bookingId);
  if (booking.status !== 'PENDING') return [];
  if (new Date(booking.expiresAt) > command.now) {
    return refuse('hold_not_expired', `the hold lasts until ${booking.expiresAt}`);
  }
  const { screeningId, bookingId } = command;
  return [
    {
      type: 'BookingExpired',
      data: { screeningId, bookingId, expiredAt: command.now.toISOString() },
    },
  ];
}

function cancelBooking(
  command: Command<'CancelBooking'>,
  state: ScheduledScreening,
): ScreeningEvent[] {
  const booking = state.bookings.get(command.bookingId);
  // Someone else's booking is reported as missing: existence is not leaked.
  if (!booking || booking.userId !== command.userId) {
    return refuse('booking_not_found', `booking ${command.bookingId} not found`);
  }
  if (!isLive(booking))
    return refuse('booking_not_cancellable', `the booking is ${booking.status.toLowerCase()}`);
  if (new Date(state.startsAt) <= command.now) {
    return refuse('booking_not_cancellable', 'the screening has already started');
  }
  return [cancellation(state.screeningId, booking, 'user', command.now)];
}

function requestPayment(
  command: Command<'RequestPayment'>,
  state: ScheduledScreening,
): ScreeningEvent[] {
  const booking = requireBooking(state, command.bookingId);
  // Once opened, the payment stays; a booking that ended meanwhile needs none.
  if (booking.payment !== null || booking.status !== 'PENDING') return [];
  const { screeningId, bookingId, payment } = command;
  return [
    {
      type: 'PaymentRequested',
      data: { screeningId, bookingId, payment, requestedAt: command.now.toISOString() },
    },
  ];
}

function recordRefund(
  command: Command<'RecordRefund'>,
  state: ScheduledScreening,
): ScreeningEvent[] {
  const booking = requireBooking(state, command.bookingId);
  if (booking.refundedPaymentIds.includes(command.paymentId)) return [];
  const { screeningId, bookingId, paymentId, refundId } = command;
  return [
    {
      type: 'PaymentRefunded',
      data: {
        screeningId,
        bookingId,
        paymentId,
        refundId,
        amount: booking.amount,
        refundedAt: command.now.toISOString(),
      },
    },
  ];
}

function cancellation(
  screeningId: string,
  booking: BookingState,
  reason: 'user' | 'screening_cancelled' | 'payment_failed',
  now: Date,
): ScreeningEvent {
  const refundPaymentId = booking.status === 'CONFIRMED' ? booking.paymentId : null;
  return {
    type: 'BookingCancelled',
    data: {
      screeningId,
      bookingId: booking.bookingId,
      reason,
      refundPaymentId,
      cancelledAt: now.toISOString(),
    },
  };
}

function requireScreening(state: ScreeningState, screeningId: string): ScheduledScreening {
  if (state.status === 'initial')
    return refuse('screening_not_found', `screening ${screeningId} not found`);
  return state;
}

function requireBooking(state: ScheduledScreening, bookingId: string): BookingState {
  return (
    state.bookings.get(bookingId) ?? refuse('booking_not_found', `booking ${bookingId} not found`)
  );
}
