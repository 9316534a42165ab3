import { describe, expect, it } from 'vitest';
import type { ScreeningCommand, ScreeningEvent } from '../../src/domain/screening/index.js';
import { screeningDecider } from '../../src/domain/screening/index.js';
import { given } from '../support/given-when-then.js';
import {
  at,
  cancelled,
  confirmed,
  expired,
  general,
  held,
  hostId,
  scheduled,
  screeningId,
} from './screening-fixtures.js';

type CheckIn = Extract<ScreeningCommand, { type: 'CheckInTicket' }>;

const hall = scheduled(general(10));
const doorOpens = at(3600);

function checkIn(bookingId: string, when: Date = doorOpens, by: string = hostId): CheckIn {
  return { type: 'CheckInTicket', screeningId, bookingId, hostId: by, now: when };
}

function checkedIn(bookingId: string, userId: string, when: Date = doorOpens): ScreeningEvent {
  return {
    type: 'TicketCheckedIn',
    data: {
      screeningId,
      bookingId,
      userId,
      checkedInBy: hostId,
      checkedInAt: when.toISOString(),
    },
  };
}

const scenario = (...events: ScreeningEvent[]) => given(screeningDecider, events);

describe('CheckInTicket', () => {
  it('admits the holder of a confirmed booking', () => {
    scenario(hall, held('b1', 'u1', { quantity: 2 }), confirmed('b1', 'pay-1'))
      .when(checkIn('b1'))
      .then([checkedIn('b1', 'u1')]);
  });

  it('refuses a second check-in of the same ticket, naming the first time', () => {
    const error = scenario(
      hall,
      held('b1', 'u1', { quantity: 2 }),
      confirmed('b1', 'pay-1'),
      checkedIn('b1', 'u1'),
    )
      .when(checkIn('b1', at(3700)))
      .thenThrows('already_checked_in');
    expect(error.details).toEqual({ bookingId: 'b1', checkedInAt: doorOpens.toISOString() });
  });

  it('admits other tickets of the screening after one was checked in', () => {
    scenario(
      hall,
      held('b1', 'u1', { quantity: 1 }),
      confirmed('b1', 'pay-1'),
      held('b2', 'u2', { quantity: 1 }),
      confirmed('b2', 'pay-2'),
      checkedIn('b1', 'u1'),
    )
      .when(checkIn('b2', at(3700)))
      .then([checkedIn('b2', 'u2', at(3700))]);
  });

  it('refuses anyone but the host', () => {
    scenario(hall, held('b1', 'u1', { quantity: 1 }), confirmed('b1', 'pay-1'))
      .when(checkIn('b1', doorOpens, 'u1'))
      .thenThrows('not_screening_host');
  });

  it('refuses a booking this screening does not have', () => {
    scenario(hall).when(checkIn('elsewhere')).thenThrows('ticket_not_found');
  });

  it.each([
    ['pending', [held('b1', 'u1', { quantity: 1 })]],
    ['expired', [held('b1', 'u1', { quantity: 1 }), expired('b1')]],
    [
      'cancelled',
      [
        held('b1', 'u1', { quantity: 1 }),
        confirmed('b1', 'pay-1'),
        cancelled('b1', 'user', 'pay-1'),
      ],
    ],
  ])('refuses a %s booking', (_status, events) => {
    scenario(hall, ...events)
      .when(checkIn('b1'))
      .thenThrows('booking_not_confirmed');
  });

  it('refuses on a screening that does not exist', () => {
    scenario().when(checkIn('b1')).thenThrows('screening_not_found');
  });

  it('folds the check-in time into the booking', () => {
    let state = screeningDecider.initialState;
    for (const event of [hall, held('b1', 'u1', { quantity: 1 }), confirmed('b1', null)]) {
      state = screeningDecider.evolve(state, event);
    }
    const before = state.status === 'initial' ? undefined : state.bookings.get('b1');
    expect(before?.checkedInAt).toBeNull();
    state = screeningDecider.evolve(state, checkedIn('b1', 'u1'));
    const after = state.status === 'initial' ? undefined : state.bookings.get('b1');
    expect(after?.checkedInAt).toBe(doorOpens.toISOString());
    expect(after?.status).toBe('CONFIRMED');
  });
});
