import type {
  BookingStatus,
  ScheduledScreening,
  ScreeningEvent,
  ScreeningState,
} from '../domain/screening/index.js';
import { capacityOf, isSeatInPlan, seatKey, seatLabel } from '../domain/seat.js';
import { shortId } from './summary.js';

/** A broken invariant found in one event. */
export interface Problem {
  readonly rule: string;
  readonly message: string;
}

type SeatsHeld = Extract<ScreeningEvent, { type: 'SeatsHeld' }>['data'];

const problem = (rule: string, message: string): Problem => ({ rule, message });

/**
 * What is wrong with applying `event` to `state`, judged as the decider would have: an event
 * before the schedule, a seat held twice, more places taken than the capacity, or a booking
 * moved between states the lifecycle does not allow (e.g. confirmed after it expired).
 */
export function checkScreeningEvent(state: ScreeningState, event: ScreeningEvent): Problem[] {
  if (event.type === 'ScreeningScheduled') {
    return state.status === 'initial' ? [] : [problem('duplicate_schedule', 'scheduled twice')];
  }
  if (state.status === 'initial') {
    return [problem('before_schedule', `${event.type} before the screening was scheduled`)];
  }
  switch (event.type) {
    case 'ScreeningCancelled':
      return state.status === 'cancelled' ? [problem('illegal_transition', 'cancelled twice')] : [];
    case 'SeatsHeld':
      return checkHold(state, event.data);
    case 'BookingConfirmed':
      return transition(state, event.data.bookingId, ['PENDING'], 'CONFIRMED');
    case 'BookingExpired':
      return transition(state, event.data.bookingId, ['PENDING'], 'EXPIRED');
    case 'BookingCancelled':
      return transition(state, event.data.bookingId, ['PENDING', 'CONFIRMED'], 'CANCELLED');
    case 'PaymentRequested':
    case 'PaymentRefunded':
    case 'LatePaymentRejected':
      return state.bookings.has(event.data.bookingId)
        ? []
        : [problem('unknown_booking', `${event.type} for unknown booking ${event.data.bookingId}`)];
    case 'TicketCheckedIn':
      return checkCheckIn(state, event.data.bookingId);
    default: {
      const _: never = event;
      return [];
    }
  }
}

function transition(
  state: ScheduledScreening,
  bookingId: string,
  from: readonly BookingStatus[],
  to: BookingStatus,
): Problem[] {
  const booking = state.bookings.get(bookingId);
  if (!booking) return [problem('unknown_booking', `booking ${bookingId} → ${to} was never held`)];
  if (from.includes(booking.status)) return [];
  return [problem('illegal_transition', `booking ${bookingId}: ${booking.status} → ${to}`)];
}

function checkHold(state: ScheduledScreening, data: SeatsHeld): Problem[] {
  const problems: Problem[] = [];
  const booking = data.bookingId;
  if (state.status === 'cancelled') {
    problems.push(problem('not_open', `booking ${booking} held places on a cancelled screening`));
  }
  if (state.bookings.has(booking)) {
    problems.push(problem('duplicate_booking', `booking ${booking} held places twice`));
  }
  const { seating } = state;
  const expectedSeats = seating.kind === 'assigned' ? data.quantity : 0;
  if (data.seats.length !== expectedSeats) {
    problems.push(
      problem(
        'inconsistent_hold',
        `booking ${booking}: ${data.seats.length} seats for ${data.quantity} place(s) on ${seating.kind} seating`,
      ),
    );
  }
  const listed = new Set<string>();
  for (const seat of data.seats) {
    const key = seatKey(seat);
    const owner = state.seatOwners.get(key);
    if (owner !== undefined || listed.has(key)) {
      const other = owner === undefined ? 'itself' : `booking ${shortId(owner)}`;
      problems.push(
        problem(
          'double_booked',
          `seat ${seatLabel(seat)} held by booking ${shortId(booking)} and ${other}`,
        ),
      );
    }
    if (!isSeatInPlan(seat, seating)) {
      problems.push(problem('seat_outside_plan', `seat ${seatLabel(seat)} is not in the plan`));
    }
    listed.add(key);
  }
  const capacity = capacityOf(seating);
  if (state.taken + data.quantity > capacity) {
    problems.push(
      problem(
        'oversold',
        `${state.taken + data.quantity} places taken of ${capacity} (booking ${shortId(booking)})`,
      ),
    );
  }
  return problems;
}

/** A ticket is admitted only for a confirmed booking, and only once. */
function checkCheckIn(state: ScheduledScreening, bookingId: string): Problem[] {
  const booking = state.bookings.get(bookingId);
  if (!booking)
    return [problem('unknown_booking', `TicketCheckedIn for unknown booking ${bookingId}`)];
  if (booking.status !== 'CONFIRMED') {
    return [problem('illegal_transition', `checked in a ${booking.status} booking ${bookingId}`)];
  }
  if (booking.checkedInAt !== null) {
    return [problem('illegal_transition', `booking ${bookingId} checked in twice`)];
  }
  return [];
}
