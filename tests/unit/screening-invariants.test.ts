import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { Money } from '../../src/domain/money.js';
import {
  type BookingStatus,
  type ScheduledScreening,
  type ScreeningCommand,
  type ScreeningEvent,
  type ScreeningState,
  screeningDecider,
} from '../../src/domain/screening/index.js';
import { capacityOf, type Seat, type Seating, seatKey } from '../../src/domain/seat.js';
import { hostId, now, screeningId } from './screening-fixtures.js';

/** Starts three hours after `now`: long runs of steps cross the start of the screening. */
const startsAt = new Date(now.getTime() + 3 * 3600 * 1000);
const endsAt = new Date(startsAt.getTime() + 2 * 3600 * 1000);

/**
 * Bookings are referred to by a number picked, at run time, among the ids the screening already
 * knows plus one unknown id: commands keep hitting real bookings whatever their history.
 */
type BookingRef = number;

/** What a HoldSeats asks for. */
type Request = { readonly seats: readonly Seat[] | null; readonly quantity: number | null };

type Step = { readonly advance: number } & (
  | {
      readonly kind: 'hold';
      /** null: a new booking id; a number: reuse a known one (a retry, or a clash of ids). */
      readonly reuse: BookingRef | null;
      readonly userId: string;
      readonly request: Request;
      readonly holdSeconds: number;
    }
  | { readonly kind: 'confirm' | 'fail'; readonly booking: BookingRef; readonly paymentId: string }
  | { readonly kind: 'expire'; readonly booking: BookingRef }
  | { readonly kind: 'cancelBooking'; readonly booking: BookingRef; readonly byOwner: boolean }
  | { readonly kind: 'cancelScreening'; readonly byHost: boolean }
  | { readonly kind: 'checkIn'; readonly booking: BookingRef; readonly byHost: boolean }
);

const seatingArb: fc.Arbitrary<Seating> = fc.oneof(
  fc.record({ kind: fc.constant('general' as const), capacity: fc.integer({ min: 1, max: 20 }) }),
  fc.record({
    kind: fc.constant('assigned' as const),
    rows: fc.integer({ min: 1, max: 4 }),
    seatsPerRow: fc.integer({ min: 1, max: 5 }),
  }),
);

const priceArb: fc.Arbitrary<Money> = fc.record({
  amount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2000 })),
  currency: fc.constant('EUR'),
});

// Small pools so that commands keep hitting the same users and payments.
const bookingRefArb: fc.Arbitrary<BookingRef> = fc.nat({ max: 11 });
const userIdArb = fc.constantFrom('u0', 'u1', 'u2');
const paymentIdArb = fc.constantFrom('pay0', 'pay1', 'pay2', 'pay3');
const advanceArb = fc.integer({ min: 0, max: 120 });

// Rows and numbers one past each edge of the largest plan.
const anySeatArb: fc.Arbitrary<Seat> = fc.record({
  row: fc.integer({ min: 0, max: 5 }),
  number: fc.integer({ min: 0, max: 6 }),
});

/** Anything: seats on general admission, none on assigned, out of the plan, too many, … */
const anyRequestArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({
    seats: fc.option(fc.array(anySeatArb, { maxLength: 12 })),
    quantity: fc.option(fc.integer({ min: -1, max: 12 })),
  }),
  fc.record({
    seats: fc.option(fc.array(anySeatArb, { minLength: 11, maxLength: 12 })),
    quantity: fc.option(fc.integer({ min: 11, max: 12 })),
  }),
);

/** A request of the right shape for the seating, which may still clash with other bookings. */
function fittingRequestArb(seating: Seating): fc.Arbitrary<Request> {
  if (seating.kind === 'general') {
    return fc.record({
      seats: fc.constantFrom(null, []),
      quantity: fc.option(fc.integer({ min: 1, max: 4 })),
    });
  }
  const seat = fc.record({
    row: fc.integer({ min: 1, max: seating.rows }),
    number: fc.integer({ min: 1, max: seating.seatsPerRow }),
  });
  return fc.record({
    seats: fc.uniqueArray(seat, { minLength: 1, maxLength: 3, selector: seatKey }),
    quantity: fc.constant(null),
  });
}

function stepArb(seating: Seating): fc.Arbitrary<Step> {
  return fc.oneof(
    {
      weight: 10,
      arbitrary: fc.record({
        kind: fc.constant('hold' as const),
        advance: advanceArb,
        reuse: fc.oneof(
          { weight: 5, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: bookingRefArb },
        ),
        userId: userIdArb,
        request: fc.oneof(
          { weight: 5, arbitrary: fittingRequestArb(seating) },
          { weight: 1, arbitrary: anyRequestArb },
        ),
        holdSeconds: fc.integer({ min: 0, max: 1800 }),
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constantFrom('confirm' as const, 'fail' as const),
        advance: advanceArb,
        booking: bookingRefArb,
        paymentId: paymentIdArb,
      }),
    },
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('expire' as const),
        // Time jumps forward further here, so holds do run out.
        advance: fc.integer({ min: 0, max: 1200 }),
        booking: bookingRefArb,
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('cancelBooking' as const),
        advance: advanceArb,
        booking: bookingRefArb,
        byOwner: fc.boolean(),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('checkIn' as const),
        advance: advanceArb,
        booking: bookingRefArb,
        byHost: fc.boolean(),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('cancelScreening' as const),
        advance: advanceArb,
        byHost: fc.boolean(),
      }),
    },
  );
}

/** A screening and up to 60 commands against it. */
const scenarioArb = fc.tuple(seatingArb, priceArb).chain(([seating, price]) =>
  fc.record({
    seating: fc.constant(seating),
    price: fc.constant(price),
    steps: fc.array(stepArb(seating), { maxLength: 60, size: 'max' }),
  }),
);

/** A booking as rebuilt from the event list alone, without the aggregate's evolve. */
interface ModelBooking {
  readonly userId: string;
  readonly quantity: number;
  readonly seats: readonly string[];
  readonly status: BookingStatus;
}

const isLiveStatus = (status: BookingStatus) => status === 'PENDING' || status === 'CONFIRMED';

/** Replays the events into bookings, failing on any transition the lifecycle forbids. */
function replayBookings(events: readonly ScreeningEvent[]): Map<string, ModelBooking> {
  const bookings = new Map<string, ModelBooking>();
  const checkedIn = new Set<string>();
  const move = (bookingId: string, from: readonly BookingStatus[], to: BookingStatus) => {
    const booking = bookings.get(bookingId);
    if (!booking) throw new Error(`${to} for unknown booking ${bookingId}`);
    if (!from.includes(booking.status))
      throw new Error(`booking ${bookingId} went from ${booking.status} to ${to}`);
    bookings.set(bookingId, { ...booking, status: to });
  };
  for (const event of events) {
    switch (event.type) {
      case 'ScreeningScheduled':
      case 'ScreeningCancelled':
        break;
      case 'SeatsHeld': {
        // A second SeatsHeld would bring a booking back to PENDING.
        if (bookings.has(event.data.bookingId))
          throw new Error(`booking ${event.data.bookingId} held twice`);
        const { userId, quantity, seats } = event.data;
        bookings.set(event.data.bookingId, {
          userId,
          quantity,
          seats: seats.map(seatKey),
          status: 'PENDING',
        });
        break;
      }
      case 'BookingConfirmed':
        move(event.data.bookingId, ['PENDING'], 'CONFIRMED');
        break;
      case 'BookingExpired':
        move(event.data.bookingId, ['PENDING'], 'EXPIRED');
        break;
      case 'BookingCancelled':
        move(event.data.bookingId, ['PENDING', 'CONFIRMED'], 'CANCELLED');
        break;
      case 'PaymentRequested':
      case 'PaymentRefunded':
        // Payment bookkeeping: no change of status or seats.
        break;
      case 'TicketCheckedIn': {
        const booking = bookings.get(event.data.bookingId);
        if (booking?.status !== 'CONFIRMED')
          throw new Error(`checked in a booking that is not confirmed ${event.data.bookingId}`);
        // A ticket is admitted once.
        if (checkedIn.has(event.data.bookingId))
          throw new Error(`booking ${event.data.bookingId} checked in twice`);
        checkedIn.add(event.data.bookingId);
        break;
      }
      case 'LatePaymentRejected': {
        const booking = bookings.get(event.data.bookingId);
        if (!booking || booking.status === 'PENDING')
          throw new Error(`late payment rejected for a pending booking ${event.data.bookingId}`);
        break;
      }
      default: {
        const unexpected: never = event;
        throw new Error(`unexpected event ${JSON.stringify(unexpected)}`);
      }
    }
  }
  return bookings;
}

/** Checks every invariant of the screening against the events decided so far. */
function checkInvariants(state: ScheduledScreening, events: readonly ScreeningEvent[]): void {
  const bookings = replayBookings(events);
  const live = [...bookings].filter(([, booking]) => isLiveStatus(booking.status));

  const liveQuantity = live.reduce((sum, [, booking]) => sum + booking.quantity, 0);
  expect(liveQuantity).toBeLessThanOrEqual(capacityOf(state.seating));
  expect(state.taken).toBe(liveQuantity);

  const liveSeats = live.flatMap(([bookingId, booking]) =>
    booking.seats.map((key) => [key, bookingId] as const),
  );
  expect(new Set(liveSeats.map(([key]) => key)).size).toBe(liveSeats.length);
  expect(Object.fromEntries(state.seatOwners)).toEqual(Object.fromEntries(liveSeats));
  if (state.seating.kind === 'assigned') {
    for (const [, booking] of live) expect(booking.quantity).toBe(booking.seats.length);
  }

  expect([...state.bookings.keys()].sort()).toEqual([...bookings.keys()].sort());
  for (const [bookingId, booking] of state.bookings) {
    expect(['PENDING', 'CONFIRMED', 'EXPIRED', 'CANCELLED']).toContain(booking.status);
    expect(booking.status).toBe(bookings.get(bookingId)?.status);
  }
}

/** Where a step finds its booking ids: the bookings held so far, in the order they were held. */
interface Bookings {
  readonly known: readonly string[];
  readonly fresh: string;
  readonly ownerOf: (bookingId: string) => string | undefined;
}

/** Picks a held booking, or (one time in known + 1) an id the screening has never seen. */
function pick(ref: BookingRef, bookings: Bookings): string {
  return bookings.known[ref % (bookings.known.length + 1)] ?? 'b-unknown';
}

function toCommand(step: Step, at: Date, bookings: Bookings): ScreeningCommand {
  const base = { screeningId, now: at };
  switch (step.kind) {
    case 'hold': {
      const { userId, holdSeconds } = step;
      const { seats, quantity } = step.request;
      const reuse = step.reuse !== null && bookings.known.length > 0;
      const bookingId = reuse
        ? bookings.known[(step.reuse ?? 0) % bookings.known.length]!
        : bookings.fresh;
      return {
        ...base,
        type: 'HoldSeats',
        bookingId,
        userId,
        seats,
        quantity,
        holdSeconds,
        payment: null,
      };
    }
    case 'confirm': {
      const { paymentId } = step;
      return {
        ...base,
        type: 'ConfirmBooking',
        bookingId: pick(step.booking, bookings),
        paymentId,
      };
    }
    case 'fail': {
      const { paymentId } = step;
      const bookingId = pick(step.booking, bookings);
      return { ...base, type: 'FailBookingPayment', bookingId, paymentId };
    }
    case 'expire':
      return { ...base, type: 'ExpireBooking', bookingId: pick(step.booking, bookings) };
    case 'cancelBooking': {
      const bookingId = pick(step.booking, bookings);
      const userId = step.byOwner ? (bookings.ownerOf(bookingId) ?? 'u0') : 'intruder';
      return { ...base, type: 'CancelBooking', bookingId, userId };
    }
    case 'cancelScreening': {
      const by = step.byHost ? hostId : 'not-the-host';
      return { ...base, type: 'CancelScreening', hostId: by, reason: null };
    }
    case 'checkIn': {
      const by = step.byHost ? hostId : 'not-the-host';
      return {
        ...base,
        type: 'CheckInTicket',
        bookingId: pick(step.booking, bookings),
        hostId: by,
      };
    }
    default: {
      const unexpected: never = step;
      throw new Error(`unexpected step ${JSON.stringify(unexpected)}`);
    }
  }
}

function scheduledEvent(seating: Seating, price: Money): ScreeningEvent {
  return {
    type: 'ScreeningScheduled',
    data: {
      screeningId,
      placeId: 'p1',
      hostId,
      filmId: 'f1',
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
      price,
      seating,
      scheduledAt: now.toISOString(),
    },
  };
}

function asScheduled(state: ScreeningState): ScheduledScreening {
  if (state.status === 'initial') throw new Error('the screening was never scheduled');
  return state;
}

/** Runs the steps through decide and evolve, checking the invariants after each one. */
function run(
  seating: Seating,
  price: Money,
  steps: readonly Step[],
  observed: Set<string> = new Set(),
): void {
  const events: ScreeningEvent[] = [scheduledEvent(seating, price)];
  let state = screeningDecider.evolve(screeningDecider.initialState, events[0]!);
  const known: string[] = [];
  let clock = now.getTime();
  for (const step of steps) {
    clock += step.advance * 1000;
    const current = state;
    const command = toCommand(step, new Date(clock), {
      known,
      fresh: `b${known.length}`,
      ownerOf: (bookingId) => asScheduled(current).bookings.get(bookingId)?.userId,
    });
    let decided: ScreeningEvent[];
    try {
      decided = screeningDecider.decide(command, state);
    } catch (error) {
      // An expected refusal leaves the state as it was; anything else is a bug.
      if (!(error instanceof DomainError)) throw error;
      observed.add(error.code);
      continue;
    }
    for (const event of decided) {
      observed.add(event.type);
      if (event.type === 'SeatsHeld') known.push(event.data.bookingId);
      events.push(event);
      state = screeningDecider.evolve(state, event);
    }
    checkInvariants(asScheduled(state), events);
  }
}

describe('the screening aggregate under any sequence of commands', () => {
  it('never oversells, never sells a seat twice and keeps every booking lifecycle legal', () => {
    const observed = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ seating, price, steps }) => {
        run(seating, price, steps, observed);
      }),
      { numRuns: 300 },
    );
    // Guards against a generator that never reaches the interesting paths.
    for (const outcome of [
      'SeatsHeld',
      'BookingConfirmed',
      'BookingExpired',
      'BookingCancelled',
      'LatePaymentRejected',
      'ScreeningCancelled',
      'TicketCheckedIn',
      'already_checked_in',
      'seats_unavailable',
      'sold_out',
      'invalid_seat',
      'too_many_seats',
      'screening_not_open',
      'hold_not_expired',
      'booking_not_found',
      'booking_not_cancellable',
    ]) {
      expect(observed, outcome).toContain(outcome);
    }
  });
});

describe('the invariant checker', () => {
  const room = scheduledEvent(
    { kind: 'assigned', rows: 1, seatsPerRow: 2 },
    { amount: 500, currency: 'EUR' },
  );
  const held = (bookingId: string, seats: readonly Seat[]): ScreeningEvent => ({
    type: 'SeatsHeld',
    data: {
      screeningId,
      bookingId,
      userId: 'u0',
      seats,
      quantity: seats.length,
      amount: { amount: 500 * seats.length, currency: 'EUR' },
      heldAt: now.toISOString(),
      expiresAt: now.toISOString(),
    },
  });
  const fold = (events: readonly ScreeningEvent[]) =>
    asScheduled(events.reduce(screeningDecider.evolve, screeningDecider.initialState));

  it('notices a seat held by two live bookings', () => {
    const events = [room, held('b0', [{ row: 1, number: 1 }]), held('b1', [{ row: 1, number: 1 }])];
    expect(() => checkInvariants(fold(events), events)).toThrow();
  });

  it('notices a booking confirmed after it expired', () => {
    const events: ScreeningEvent[] = [
      room,
      held('b0', [{ row: 1, number: 1 }]),
      {
        type: 'BookingExpired',
        data: { screeningId, bookingId: 'b0', expiredAt: now.toISOString() },
      },
      {
        type: 'BookingConfirmed',
        data: { screeningId, bookingId: 'b0', paymentId: 'pay0', confirmedAt: now.toISOString() },
      },
    ];
    expect(() => checkInvariants(fold(events), events)).toThrow();
  });

  it('notices more places taken than the screening has', () => {
    const events = [
      room,
      held('b0', [
        { row: 1, number: 1 },
        { row: 1, number: 2 },
      ]),
      held('b1', [{ row: 1, number: 3 }]),
    ];
    expect(() => checkInvariants(fold(events), events)).toThrow();
  });
});
