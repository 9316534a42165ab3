import { describe, expect, it } from 'vitest';
import { type ScreeningEvent, screeningDecider } from '../../src/domain/screening/index.js';
import { given } from '../support/given-when-then.js';
import {
  assigned,
  at,
  cancelBooking,
  cancelled,
  cancelScreening,
  confirm,
  confirmed,
  endsAt,
  expire,
  expired,
  failPayment,
  free,
  general,
  held,
  hold,
  holdSeconds,
  latePayment,
  now,
  price,
  schedule,
  scheduled,
  screeningCancelled,
  screeningId,
  seat,
  startsAt,
} from './screening-fixtures.js';

const afterStart = new Date(startsAt.getTime() + 60_000);
const generalHall = scheduled(general(5));
const room = scheduled(assigned(3, 5));

function scenario(...events: ScreeningEvent[]) {
  return given(screeningDecider, events);
}

describe('ScheduleScreening', () => {
  it('schedules a general admission screening', () => {
    scenario()
      .when(schedule({ seating: general(5) }))
      .then([scheduled(general(5), price, now.toISOString())]);
  });

  it('schedules an assigned seating screening', () => {
    scenario()
      .when(schedule({ seating: assigned(3, 5) }))
      .then([scheduled(assigned(3, 5), price, now.toISOString())]);
  });

  it('schedules a free screening', () => {
    scenario()
      .when(schedule({ seating: general(5), price: free }))
      .then([scheduled(general(5), free, now.toISOString())]);
  });

  it('does nothing when the same host schedules the same screening again', () => {
    scenario(generalHall).when(schedule()).thenNothing();
  });

  it('refuses reusing the id for another host', () => {
    scenario(generalHall)
      .when(schedule({ hostId: 'host-2' }))
      .thenThrows('screening_already_exists');
  });

  it('refuses reusing the id for another start time', () => {
    scenario(generalHall)
      .when(schedule({ startsAt: afterStart, endsAt: new Date(afterStart.getTime() + 3_600_000) }))
      .thenThrows('screening_already_exists');
  });

  it('refuses a screening that starts in the past', () => {
    scenario()
      .when(schedule({ startsAt: at(-60), endsAt }))
      .thenThrows('starts_in_past');
  });

  it('refuses a screening that starts right now', () => {
    scenario()
      .when(schedule({ startsAt: now }))
      .thenThrows('starts_in_past');
  });

  it('refuses a screening that ends when it starts', () => {
    scenario()
      .when(schedule({ endsAt: startsAt }))
      .thenThrows('invalid_screening');
  });

  it('refuses a negative price', () => {
    scenario()
      .when(schedule({ price: { amount: -1, currency: 'EUR' } }))
      .thenThrows('invalid_screening');
  });

  it('refuses a price so high that ten seats would overflow the amount columns', () => {
    scenario()
      .when(schedule({ price: { amount: 100_000_001, currency: 'EUR' } }))
      .thenThrows('invalid_screening');
  });

  it('refuses a price that is not a whole number of minor units', () => {
    scenario()
      .when(schedule({ price: { amount: 12.5, currency: 'EUR' } }))
      .thenThrows('invalid_screening');
  });

  it('refuses a general admission screening without places', () => {
    scenario()
      .when(schedule({ seating: general(0) }))
      .thenThrows('invalid_screening');
  });

  it('refuses an assigned seating screening without rows', () => {
    scenario()
      .when(schedule({ seating: assigned(0, 5) }))
      .thenThrows('invalid_screening');
  });

  it('refuses an assigned seating plan with negative rows and seats per row', () => {
    // (-2) × (-3) = 6 "places", none of which can ever be booked.
    scenario()
      .when(schedule({ seating: assigned(-2, -3) }))
      .thenThrows('invalid_screening');
  });

  it('refuses an assigned seating plan with a fractional number of rows', () => {
    scenario()
      .when(schedule({ seating: assigned(1.5, 2) }))
      .thenThrows('invalid_screening');
  });

  // The read side must represent every event: "+010000-01-01" froze every read model once.
  it.each([
    ['a start past the time bounds', new Date('9999-12-31T23:00:00Z'), 600],
    ['an end past the time bounds', new Date('2099-12-31T23:00:00Z'), 120],
    ['a screening longer than the bounds allow', startsAt, 601],
  ])('refuses %s', (_, start, minutes) => {
    const end = new Date(start.getTime() + minutes * 60_000);
    scenario()
      .when(schedule({ startsAt: start, endsAt: end }))
      .thenThrows('invalid_screening');
  });

  it('refuses capacities, plans and currencies the read models cannot hold', () => {
    for (const seating of [general(100_001), assigned(101, 1), assigned(1, 201)]) {
      scenario().when(schedule({ seating })).thenThrows('invalid_screening');
    }
    scenario()
      .when(schedule({ price: { amount: 100, currency: 'euro' } }))
      .thenThrows('invalid_screening');
  });
});

describe('CancelScreening', () => {
  it('cancels a screening without bookings', () => {
    scenario(generalHall)
      .when(cancelScreening())
      .then([screeningCancelled('projector broke')]);
  });

  it('cancels every live booking, refunding the confirmed ones and leaving ended ones alone', () => {
    scenario(
      generalHall,
      held('b-pending', 'u1', { quantity: 1 }),
      held('b-paid', 'u2', { quantity: 2 }),
      confirmed('b-paid', 'pay-2'),
      held('b-expired', 'u3', { quantity: 1 }),
      expired('b-expired'),
      held('b-cancelled', 'u4', { quantity: 1 }),
      cancelled('b-cancelled', 'user'),
      held('b-failed', 'u5', { quantity: 1 }),
      cancelled('b-failed', 'payment_failed'),
    )
      .when(cancelScreening(undefined, at(60), null))
      .then([
        screeningCancelled(null, at(60)),
        cancelled('b-pending', 'screening_cancelled', null, at(60)),
        cancelled('b-paid', 'screening_cancelled', 'pay-2', at(60)),
      ]);
  });

  it('cancels a confirmed free booking with nothing to refund', () => {
    scenario(
      scheduled(general(5), free),
      held('b1', 'u1', { quantity: 2, unitPrice: free }),
      confirmed('b1', null),
    )
      .when(cancelScreening())
      .then([screeningCancelled('projector broke'), cancelled('b1', 'screening_cancelled')]);
  });

  it('refuses a user who is not the host', () => {
    scenario(generalHall).when(cancelScreening('host-2')).thenThrows('not_screening_host');
  });

  it('refuses a screening that is already cancelled', () => {
    scenario(generalHall, screeningCancelled(null))
      .when(cancelScreening())
      .thenThrows('screening_cancelled');
  });

  it('refuses a screening that starts right now', () => {
    scenario(generalHall)
      .when(cancelScreening(undefined, startsAt))
      .thenThrows('screening_already_started');
  });

  it('refuses a screening that has started', () => {
    scenario(generalHall)
      .when(cancelScreening(undefined, afterStart))
      .thenThrows('screening_already_started');
  });

  it('refuses a screening that does not exist', () => {
    scenario().when(cancelScreening()).thenThrows('screening_not_found');
  });
});

describe('HoldSeats on general admission', () => {
  it('holds the requested number of places until now + holdSeconds', () => {
    scenario(generalHall)
      .when(hold('b1', 'u1', { quantity: 3 }))
      .then([
        {
          type: 'SeatsHeld',
          data: {
            screeningId,
            bookingId: 'b1',
            userId: 'u1',
            seats: [],
            quantity: 3,
            amount: { amount: 3600, currency: 'EUR' },
            heldAt: '2030-01-01T10:00:00.000Z',
            expiresAt: '2030-01-01T10:15:00.000Z',
          },
        },
      ]);
  });

  it('uses the hold time of the command for the expiry', () => {
    scenario(generalHall)
      .when({ ...hold('b1', 'u1', { quantity: 1 }), holdSeconds: 120 })
      .then([
        {
          type: 'SeatsHeld',
          data: {
            screeningId,
            bookingId: 'b1',
            userId: 'u1',
            seats: [],
            quantity: 1,
            amount: price,
            heldAt: '2030-01-01T10:00:00.000Z',
            expiresAt: '2030-01-01T10:02:00.000Z',
          },
        },
      ]);
  });

  it('holds one place when no quantity is given', () => {
    scenario(generalHall)
      .when(hold('b1', 'u1', {}))
      .then([held('b1', 'u1', { quantity: 1 })]);
  });

  it('holds exactly the places that remain', () => {
    scenario(generalHall, held('b1', 'u1', { quantity: 3 }))
      .when(hold('b2', 'u2', { quantity: 2 }))
      .then([held('b2', 'u2', { quantity: 2 })]);
  });

  it('holds ten places, the most one booking may take', () => {
    scenario(scheduled(general(20)))
      .when(hold('b1', 'u1', { quantity: 10 }))
      .then([held('b1', 'u1', { quantity: 10 })]);
  });

  it('confirms a free booking at once, without a payment', () => {
    scenario(scheduled(general(5), free))
      .when(hold('b1', 'u1', { quantity: 2 }))
      .then([held('b1', 'u1', { quantity: 2, unitPrice: free }), confirmed('b1', null)]);
  });

  it('does nothing when the same user retries the same booking', () => {
    scenario(generalHall, held('b1', 'u1', { quantity: 2 }))
      .when(hold('b1', 'u1', { quantity: 4 }))
      .thenNothing();
  });

  it('refuses a booking id already used by another user', () => {
    scenario(generalHall, held('b1', 'u1', { quantity: 2 }))
      .when(hold('b1', 'u2', { quantity: 1 }))
      .thenThrows('invalid_seat');
  });

  it('refuses more than ten places', () => {
    scenario(scheduled(general(20)))
      .when(hold('b1', 'u1', { quantity: 11 }))
      .thenThrows('too_many_seats');
  });

  it.each([0, -1, 1.5])('refuses a quantity of %s', (quantity) => {
    scenario(generalHall)
      .when(hold('b1', 'u1', { quantity }))
      .thenThrows('invalid_seat');
  });

  it('refuses seats on a general admission screening', () => {
    scenario(generalHall)
      .when(hold('b1', 'u1', { seats: [seat(1, 1)] }))
      .thenThrows('invalid_seat');
  });

  it('refuses more places than remain, saying how many are left', () => {
    const error = scenario(generalHall, held('b1', 'u1', { quantity: 3 }))
      .when(hold('b2', 'u2', { quantity: 3 }))
      .thenThrows('seats_unavailable');
    expect(error.details).toEqual({ available: 2 });
  });

  it('refuses any place once held and sold places fill the screening', () => {
    scenario(
      generalHall,
      held('b1', 'u1', { quantity: 3 }),
      confirmed('b1', 'pay-1'),
      held('b2', 'u2', { quantity: 2 }),
    )
      .when(hold('b3', 'u3', { quantity: 1 }))
      .thenThrows('sold_out');
  });

  it('refuses a cancelled screening', () => {
    scenario(generalHall, screeningCancelled(null))
      .when(hold('b1', 'u1', { quantity: 1 }))
      .thenThrows('screening_not_open');
  });

  it('refuses a screening that starts right now', () => {
    scenario(generalHall)
      .when(hold('b1', 'u1', { quantity: 1 }, startsAt))
      .thenThrows('screening_not_open');
  });

  it('refuses a screening that has started', () => {
    scenario(generalHall)
      .when(hold('b1', 'u1', { quantity: 1 }, afterStart))
      .thenThrows('screening_not_open');
  });

  it('refuses a screening that does not exist', () => {
    scenario()
      .when(hold('b1', 'u1', { quantity: 1 }))
      .thenThrows('screening_not_found');
  });

  it('gives the places of an expired booking back', () => {
    scenario(generalHall, held('b1', 'u1', { quantity: 5 }), expired('b1'))
      .when(hold('b2', 'u2', { quantity: 5 }, at(1000)))
      .then([held('b2', 'u2', { quantity: 5, heldAt: at(1000) })]);
  });

  it('gives the places of a cancelled booking back', () => {
    scenario(
      generalHall,
      held('b1', 'u1', { quantity: 5 }),
      confirmed('b1', 'pay-1'),
      cancelled('b1', 'user', 'pay-1'),
    )
      .when(hold('b2', 'u2', { quantity: 5 }))
      .then([held('b2', 'u2', { quantity: 5 })]);
  });
});

describe('HoldSeats on assigned seating', () => {
  it('holds the chosen seats', () => {
    scenario(room)
      .when(hold('b1', 'u1', { seats: [seat(1, 1), seat(2, 5)] }))
      .then([
        {
          type: 'SeatsHeld',
          data: {
            screeningId,
            bookingId: 'b1',
            userId: 'u1',
            seats: [seat(1, 1), seat(2, 5)],
            quantity: 2,
            amount: { amount: 2400, currency: 'EUR' },
            heldAt: '2030-01-01T10:00:00.000Z',
            expiresAt: '2030-01-01T10:15:00.000Z',
          },
        },
      ]);
  });

  it('ignores a quantity and counts the seats', () => {
    scenario(room)
      .when(hold('b1', 'u1', { seats: [seat(3, 3)], quantity: 4 }))
      .then([held('b1', 'u1', { seats: [seat(3, 3)] })]);
  });

  it('holds ten seats, the most one booking may take', () => {
    const seats = [1, 2, 3, 4, 5].flatMap((n) => [seat(1, n), seat(2, n)]);
    scenario(room)
      .when(hold('b1', 'u1', { seats }))
      .then([held('b1', 'u1', { seats })]);
  });

  it('confirms a free booking at once, without a payment', () => {
    scenario(scheduled(assigned(3, 5), free))
      .when(hold('b1', 'u1', { seats: [seat(2, 2)] }))
      .then([held('b1', 'u1', { seats: [seat(2, 2)], unitPrice: free }), confirmed('b1', null)]);
  });

  it('does nothing when the same user retries the same booking', () => {
    scenario(room, held('b1', 'u1', { seats: [seat(1, 1)] }))
      .when(hold('b1', 'u1', { seats: [seat(1, 1)] }))
      .thenNothing();
  });

  it('refuses more than ten seats', () => {
    const seats = [1, 2, 3, 4, 5].flatMap((n) => [seat(1, n), seat(2, n)]).concat(seat(3, 1));
    scenario(room)
      .when(hold('b1', 'u1', { seats }))
      .thenThrows('too_many_seats');
  });

  it('refuses seats outside the plan, naming them', () => {
    const outside = [seat(0, 1), seat(4, 1), seat(1, 6), seat(1, 0), seat(1.5, 2)];
    const error = scenario(room)
      .when(hold('b1', 'u1', { seats: [seat(1, 1), ...outside] }))
      .thenThrows('invalid_seat');
    expect(error.details).toEqual({ seats: outside });
  });

  it('refuses a seat listed twice', () => {
    scenario(room)
      .when(hold('b1', 'u1', { seats: [seat(1, 1), seat(1, 2), seat(1, 1)] }))
      .thenThrows('invalid_seat');
  });

  it('refuses a booking without seats', () => {
    scenario(room)
      .when(hold('b1', 'u1', { quantity: 2 }))
      .thenThrows('invalid_seat');
  });

  it('refuses an empty list of seats', () => {
    scenario(room)
      .when(hold('b1', 'u1', { seats: [] }))
      .thenThrows('invalid_seat');
  });

  it('refuses seats held or sold to others, naming exactly those seats', () => {
    const error = scenario(
      room,
      held('b1', 'u1', { seats: [seat(1, 1), seat(1, 2)] }),
      held('b2', 'u2', { seats: [seat(2, 3)] }),
      confirmed('b2', 'pay-2'),
    )
      .when(hold('b3', 'u3', { seats: [seat(2, 3), seat(3, 3), seat(1, 2)] }))
      .thenThrows('seats_unavailable');
    expect(error.details).toEqual({ seats: [seat(2, 3), seat(1, 2)] });
  });

  it('refuses any seat once every seat is held or sold', () => {
    scenario(
      scheduled(assigned(1, 3)),
      held('b1', 'u1', { seats: [seat(1, 1), seat(1, 2)] }),
      held('b2', 'u2', { seats: [seat(1, 3)] }),
      confirmed('b2', 'pay-2'),
    )
      .when(hold('b3', 'u3', { seats: [seat(1, 3)] }))
      .thenThrows('sold_out');
  });

  it('refuses a cancelled screening', () => {
    scenario(room, screeningCancelled(null))
      .when(hold('b1', 'u1', { seats: [seat(1, 1)] }))
      .thenThrows('screening_not_open');
  });

  it('refuses a screening that has started', () => {
    scenario(room)
      .when(hold('b1', 'u1', { seats: [seat(1, 1)] }, afterStart))
      .thenThrows('screening_not_open');
  });

  it('lets the seat of an expired booking be held again', () => {
    scenario(room, held('b1', 'u1', { seats: [seat(1, 1)] }), expired('b1'))
      .when(hold('b2', 'u2', { seats: [seat(1, 1)] }, at(1000)))
      .then([held('b2', 'u2', { seats: [seat(1, 1)], heldAt: at(1000) })]);
  });

  it('lets the seat of a booking whose payment failed be held again', () => {
    scenario(
      room,
      held('b1', 'u1', { seats: [seat(1, 1), seat(1, 2)] }),
      cancelled('b1', 'payment_failed'),
    )
      .when(hold('b2', 'u2', { seats: [seat(1, 2)] }))
      .then([held('b2', 'u2', { seats: [seat(1, 2)] })]);
  });

  it('lets the seat of a cancelled booking be held again', () => {
    scenario(room, held('b1', 'u1', { seats: [seat(1, 1)] }), cancelled('b1', 'user'))
      .when(hold('b2', 'u2', { seats: [seat(1, 1)] }))
      .then([held('b2', 'u2', { seats: [seat(1, 1)] })]);
  });
});

describe('ConfirmBooking', () => {
  const pending = [room, held('b1', 'u1', { seats: [seat(1, 1)] })];

  it('confirms a pending booking with its payment', () => {
    scenario(...pending)
      .when(confirm('b1', 'pay-1', at(60)))
      .then([confirmed('b1', 'pay-1', at(60))]);
  });

  it('does nothing when the same payment is delivered again', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(confirm('b1', 'pay-1', at(120)))
      .thenNothing();
  });

  it('rejects a second, different payment of a confirmed booking for a refund', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(confirm('b1', 'pay-2', at(120)))
      .then([latePayment('b1', 'pay-2', at(120))]);
  });

  it('rejects a payment of an expired booking for a refund', () => {
    scenario(...pending, expired('b1'))
      .when(confirm('b1', 'pay-1', at(1000)))
      .then([latePayment('b1', 'pay-1', at(1000))]);
  });

  it('rejects a payment of a booking the user cancelled for a refund', () => {
    scenario(...pending, cancelled('b1', 'user'))
      .when(confirm('b1', 'pay-1', at(60)))
      .then([latePayment('b1', 'pay-1', at(60))]);
  });

  it('rejects a payment of a booking cancelled with its screening for a refund', () => {
    scenario(...pending, screeningCancelled(null), cancelled('b1', 'screening_cancelled'))
      .when(confirm('b1', 'pay-1', at(60)))
      .then([latePayment('b1', 'pay-1', at(60))]);
  });

  it('does nothing when a rejected late payment is delivered again', () => {
    scenario(...pending, expired('b1'), latePayment('b1', 'pay-1', at(1000)))
      .when(confirm('b1', 'pay-1', at(1100)))
      .thenNothing();
  });

  it('rejects each distinct late payment once', () => {
    scenario(...pending, expired('b1'), latePayment('b1', 'pay-1', at(1000)))
      .when(confirm('b1', 'pay-2', at(1100)))
      .then([latePayment('b1', 'pay-2', at(1100))]);
  });

  it('refuses a booking that does not exist', () => {
    scenario(...pending)
      .when(confirm('b2', 'pay-1'))
      .thenThrows('booking_not_found');
  });

  it('refuses a screening that does not exist', () => {
    scenario().when(confirm('b1', 'pay-1')).thenThrows('screening_not_found');
  });

  it('makes a confirmed booking refundable when the screening is cancelled', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(cancelScreening())
      .then([
        screeningCancelled('projector broke'),
        cancelled('b1', 'screening_cancelled', 'pay-1'),
      ]);
  });

  it('keeps the seat taken once the booking is confirmed', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(hold('b2', 'u2', { seats: [seat(1, 1)] }, at(5000)))
      .thenThrows('seats_unavailable');
  });
});

describe('FailBookingPayment', () => {
  const pending = [generalHall, held('b1', 'u1', { quantity: 2 })];

  it('cancels a pending booking whose payment failed', () => {
    scenario(...pending)
      .when(failPayment('b1', 'pay-1', at(60)))
      .then([cancelled('b1', 'payment_failed', null, at(60))]);
  });

  it('does nothing for a confirmed booking', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(failPayment('b1', 'pay-2'))
      .thenNothing();
  });

  it('does nothing for an expired booking', () => {
    scenario(...pending, expired('b1'))
      .when(failPayment('b1', 'pay-1', at(1000)))
      .thenNothing();
  });

  it('does nothing for a booking already cancelled', () => {
    scenario(...pending, cancelled('b1', 'payment_failed'))
      .when(failPayment('b1', 'pay-1'))
      .thenNothing();
  });

  it('refuses a booking that does not exist', () => {
    scenario(...pending)
      .when(failPayment('b2', 'pay-1'))
      .thenThrows('booking_not_found');
  });

  it('refuses a screening that does not exist', () => {
    scenario().when(failPayment('b1', 'pay-1')).thenThrows('screening_not_found');
  });

  it('rejects a payment that arrives after the failure for a refund', () => {
    scenario(...pending, cancelled('b1', 'payment_failed'))
      .when(confirm('b1', 'pay-1', at(60)))
      .then([latePayment('b1', 'pay-1', at(60))]);
  });
});

describe('ExpireBooking', () => {
  const pending = [generalHall, held('b1', 'u1', { quantity: 2 })];

  it('expires a pending booking once its hold has ended', () => {
    scenario(...pending)
      .when(expire('b1', at(holdSeconds)))
      .then([expired('b1', at(holdSeconds))]);
  });

  it('expires a pending booking long after its hold has ended', () => {
    scenario(...pending)
      .when(expire('b1', at(5000)))
      .then([expired('b1', at(5000))]);
  });

  it('refuses while the hold lasts', () => {
    scenario(...pending)
      .when(expire('b1', at(holdSeconds - 1)))
      .thenThrows('hold_not_expired');
  });

  it('does nothing for a confirmed booking', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(expire('b1', at(5000)))
      .thenNothing();
  });

  it('does nothing for a booking already expired', () => {
    scenario(...pending, expired('b1'))
      .when(expire('b1', at(5000)))
      .thenNothing();
  });

  it('does nothing for a cancelled booking', () => {
    scenario(...pending, cancelled('b1', 'user'))
      .when(expire('b1', at(5000)))
      .thenNothing();
  });

  it('refuses a booking that does not exist', () => {
    scenario(...pending)
      .when(expire('b2', at(5000)))
      .thenThrows('booking_not_found');
  });

  it('refuses a screening that does not exist', () => {
    scenario()
      .when(expire('b1', at(5000)))
      .thenThrows('screening_not_found');
  });

  it('leaves an expired booking out of a later screening cancellation', () => {
    scenario(...pending, expired('b1'))
      .when(cancelScreening(undefined, at(5000), null))
      .then([screeningCancelled(null, at(5000))]);
  });
});

describe('CancelBooking', () => {
  const pending = [generalHall, held('b1', 'u1', { quantity: 2 })];

  it('cancels a pending booking of the user with nothing to refund', () => {
    scenario(...pending)
      .when(cancelBooking('b1', 'u1', at(60)))
      .then([cancelled('b1', 'user', null, at(60))]);
  });

  it('cancels a confirmed booking of the user and refunds its payment', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(cancelBooking('b1', 'u1', at(60)))
      .then([cancelled('b1', 'user', 'pay-1', at(60))]);
  });

  it('reports the booking of another user as not found', () => {
    scenario(...pending)
      .when(cancelBooking('b1', 'u2'))
      .thenThrows('booking_not_found');
  });

  it('refuses a booking that does not exist', () => {
    scenario(...pending)
      .when(cancelBooking('b2', 'u1'))
      .thenThrows('booking_not_found');
  });

  it('refuses an expired booking', () => {
    scenario(...pending, expired('b1'))
      .when(cancelBooking('b1', 'u1', at(1000)))
      .thenThrows('booking_not_cancellable');
  });

  it('refuses a booking already cancelled', () => {
    scenario(...pending, cancelled('b1', 'user'))
      .when(cancelBooking('b1', 'u1'))
      .thenThrows('booking_not_cancellable');
  });

  it('refuses once the screening has started', () => {
    scenario(...pending, confirmed('b1', 'pay-1'))
      .when(cancelBooking('b1', 'u1', startsAt))
      .thenThrows('booking_not_cancellable');
  });

  it('refuses a screening that does not exist', () => {
    scenario().when(cancelBooking('b1', 'u1')).thenThrows('screening_not_found');
  });

  it('leaves a cancelled booking out of a later screening cancellation', () => {
    scenario(...pending, cancelled('b1', 'user'))
      .when(cancelScreening())
      .then([screeningCancelled('projector broke')]);
  });
});
