import { describe, expect, it } from 'vitest';
import { fold as foldEvents } from '../../src/domain/decider.js';
import type {
  Payment,
  ScreeningCommand,
  ScreeningEvent,
} from '../../src/domain/screening/index.js';
import { screeningDecider } from '../../src/domain/screening/index.js';
import { given } from '../support/given-when-then.js';
import {
  assigned,
  at,
  cancelled,
  expired,
  free,
  held,
  hold as holdCommand,
  now,
  scheduled,
  screeningId,
  seat,
} from './screening-fixtures.js';

const payment: Payment = { provider: 'simulated', paymentId: 'pay-1' };
const room = scheduled(assigned(2, 2));
const hold = held('b1', 'u1', { seats: [seat(1, 1)] });

const requestPayment = (bookingId = 'b1'): ScreeningCommand => ({
  type: 'RequestPayment',
  screeningId,
  bookingId,
  payment,
  now: at(1),
});
const requested: ScreeningEvent = {
  type: 'PaymentRequested',
  data: { screeningId, bookingId: 'b1', payment, requestedAt: at(1).toISOString() },
};
const recordRefund = (bookingId = 'b1'): ScreeningCommand => ({
  type: 'RecordRefund',
  screeningId,
  bookingId,
  paymentId: 'pay-1',
  refundId: 're-1',
  now: at(2),
});
const refunded: ScreeningEvent = {
  type: 'PaymentRefunded',
  data: {
    screeningId,
    bookingId: 'b1',
    paymentId: 'pay-1',
    refundId: 're-1',
    amount: { amount: 1200, currency: 'EUR' },
    refundedAt: at(2).toISOString(),
  },
};

const scenario = (...events: ScreeningEvent[]) => given(screeningDecider, events);
const fold = (...events: ScreeningEvent[]) => foldEvents(screeningDecider, events);

describe('RequestPayment', () => {
  it('records the payment billing opened for a pending booking', () => {
    scenario(room, hold).when(requestPayment()).then([requested]);
  });

  it('refuses an unknown booking', () => {
    scenario(room).when(requestPayment('nope')).thenThrows('booking_not_found');
  });

  it('is a no-op once the payment is recorded, or when the booking already ended', () => {
    scenario(room, hold, requested).when(requestPayment()).thenNothing();
    scenario(room, hold, expired('b1')).when(requestPayment()).thenNothing();
  });
});

describe('HoldSeats with a payment named in advance', () => {
  const paidHold = { ...holdCommand('b1', 'u1', { seats: [seat(1, 1)] }), payment };

  it('records the hold and its payment in one decision', () => {
    const opened: ScreeningEvent = {
      type: 'PaymentRequested',
      data: { screeningId, bookingId: 'b1', payment, requestedAt: now.toISOString() },
    };
    scenario(room).when(paidHold).then([hold, opened]);
  });

  it('keeps only the provider and the payment id: no secret reaches the log', () => {
    const secretive = { ...payment, clientSecret: 'pi_1_secret_x', checkoutUrl: '/x' };
    const [, opened] = screeningDecider.decide({ ...paidHold, payment: secretive }, fold(room));
    expect(opened?.type === 'PaymentRequested' && opened.data.payment).toEqual(payment);
    const requestedLater = screeningDecider.decide(
      { ...requestPayment(), payment: secretive } as ScreeningCommand,
      fold(room, hold),
    );
    expect(requestedLater).toEqual([requested]);
  });

  it('ignores it for a free screening, which confirms at once', () => {
    const freeRoom = scheduled(assigned(2, 2), free);
    const events = screeningDecider.decide(paidHold, fold(freeRoom));
    expect(events.map((e) => e.type)).toEqual(['SeatsHeld', 'BookingConfirmed']);
  });
});

describe('RecordRefund', () => {
  it('records a refund of the booking amount', () => {
    scenario(room, hold, requested, cancelled('b1', 'user', null, now))
      .when(recordRefund())
      .then([refunded]);
  });

  it('refuses an unknown booking', () => {
    scenario(room).when(recordRefund('nope')).thenThrows('booking_not_found');
  });

  it('is a no-op for a payment already refunded', () => {
    scenario(room, hold, requested, refunded).when(recordRefund()).thenNothing();
  });
});
