import { refuse } from '../errors.js';
import { times } from '../money.js';
import { capacityOf, isSeatInPlan, type Seat, seatKey, seatLabel } from '../seat.js';
import { MAX_SEATS_PER_BOOKING, type ScreeningCommand } from './screening-commands.js';
import type { ScreeningEvent } from './screening-events.js';
import type { ScheduledScreening } from './screening-state.js';

type HoldSeats = Extract<ScreeningCommand, { type: 'HoldSeats' }>;

/** Decides a new booking: the capacity and seat invariants are checked here and only here. */
export function decideHold(command: HoldSeats, state: ScheduledScreening): ScreeningEvent[] {
  const existing = state.bookings.get(command.bookingId);
  if (existing) {
    // A retried request for the same booking: already decided.
    if (existing.userId === command.userId) return [];
    return refuse('invalid_seat', `booking id ${command.bookingId} is already in use`);
  }
  if (state.status !== 'scheduled' || new Date(state.startsAt) <= command.now) {
    return refuse('screening_not_open', 'the screening is not open for booking');
  }
  const seats = state.seating.kind === 'assigned' ? chooseSeats(command, state) : [];
  const quantity =
    state.seating.kind === 'assigned' ? seats.length : generalQuantity(command, state);

  const { screeningId, bookingId, userId } = command;
  const amount = times(state.price, quantity);
  const heldAt = command.now.toISOString();
  const expiresAt = new Date(command.now.getTime() + command.holdSeconds * 1000).toISOString();
  const held: ScreeningEvent = {
    type: 'SeatsHeld',
    data: { screeningId, bookingId, userId, seats, quantity, amount, heldAt, expiresAt },
  };
  if (amount.amount > 0) {
    if (command.payment === null) return [held];
    const payment = { provider: command.payment.provider, paymentId: command.payment.paymentId };
    return [
      held,
      { type: 'PaymentRequested', data: { screeningId, bookingId, payment, requestedAt: heldAt } },
    ];
  }
  // Nothing to pay: a free screening confirms at once.
  return [
    held,
    {
      type: 'BookingConfirmed',
      data: { screeningId, bookingId, paymentId: null, confirmedAt: heldAt },
    },
  ];
}

function chooseSeats(command: HoldSeats, state: ScheduledScreening): Seat[] {
  const seats = command.seats ?? [];
  if (seats.length === 0)
    return refuse('invalid_seat', 'this screening has assigned seating: choose seats');
  if (seats.length > MAX_SEATS_PER_BOOKING) {
    return refuse('too_many_seats', `at most ${MAX_SEATS_PER_BOOKING} seats per booking`);
  }
  const outside = seats.filter((seat) => !isSeatInPlan(seat, state.seating));
  if (outside.length > 0) {
    return refuse('invalid_seat', `no such seat: ${outside.map(seatLabel).join(', ')}`, {
      seats: outside,
    });
  }
  if (new Set(seats.map(seatKey)).size !== seats.length) {
    return refuse('invalid_seat', 'a seat is listed twice');
  }
  if (state.taken >= capacityOf(state.seating))
    return refuse('sold_out', 'the screening is sold out');
  const taken = seats.filter((seat) => state.seatOwners.has(seatKey(seat)));
  if (taken.length > 0) {
    return refuse('seats_unavailable', `already taken: ${taken.map(seatLabel).join(', ')}`, {
      seats: taken,
    });
  }
  return seats.map(({ row, number }) => ({ row, number }));
}

function generalQuantity(command: HoldSeats, state: ScheduledScreening): number {
  if (command.seats && command.seats.length > 0) {
    return refuse(
      'invalid_seat',
      'this screening has general admission: ask for a quantity, not seats',
    );
  }
  const quantity = command.quantity ?? 1;
  if (!Number.isInteger(quantity) || quantity < 1)
    return refuse('invalid_seat', 'quantity must be at least 1');
  if (quantity > MAX_SEATS_PER_BOOKING) {
    return refuse('too_many_seats', `at most ${MAX_SEATS_PER_BOOKING} seats per booking`);
  }
  const remaining = capacityOf(state.seating) - state.taken;
  if (remaining <= 0) return refuse('sold_out', 'the screening is sold out');
  if (quantity > remaining) {
    return refuse('seats_unavailable', `only ${remaining} place(s) left`, { available: remaining });
  }
  return quantity;
}
