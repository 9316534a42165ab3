import type { Money } from '../money.js';
import type { Seat, Seating } from '../seat.js';

/** A payment opened with a billing provider for one booking. */
export interface Payment {
  readonly provider: 'simulated' | 'stripe';
  readonly paymentId: string;
  readonly checkoutUrl: string | null;
  readonly clientSecret: string | null;
}

/** Why a booking was cancelled. */
export type CancellationReason = 'user' | 'screening_cancelled' | 'payment_failed';

/** Events of a screening stream (`screening-<id>`); bookings live inside it. */
export type ScreeningEvent =
  | {
      readonly type: 'ScreeningScheduled';
      readonly data: {
        readonly screeningId: string;
        readonly placeId: string;
        readonly hostId: string;
        readonly filmId: string;
        readonly startsAt: string;
        readonly endsAt: string;
        readonly price: Money;
        readonly seating: Seating;
        readonly scheduledAt: string;
      };
    }
  | {
      readonly type: 'ScreeningCancelled';
      readonly data: {
        readonly screeningId: string;
        readonly reason: string | null;
        readonly cancelledAt: string;
      };
    }
  | {
      /** A booking is created PENDING: its seats are held until `expiresAt`. */
      readonly type: 'SeatsHeld';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly userId: string;
        readonly seats: readonly Seat[];
        readonly quantity: number;
        readonly amount: Money;
        readonly heldAt: string;
        readonly expiresAt: string;
      };
    }
  | {
      readonly type: 'BookingConfirmed';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        /** The payment that settled it; null for a free screening. */
        readonly paymentId: string | null;
        readonly confirmedAt: string;
      };
    }
  | {
      readonly type: 'BookingExpired';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly expiredAt: string;
      };
    }
  | {
      readonly type: 'BookingCancelled';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly reason: CancellationReason;
        /** The payment to refund, when the booking had been paid. */
        readonly refundPaymentId: string | null;
        readonly cancelledAt: string;
      };
    }
  | {
      /** The billing provider opened a payment for a pending booking. */
      readonly type: 'PaymentRequested';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly payment: Payment;
        readonly requestedAt: string;
      };
    }
  | {
      /** Money went back to the payer (cancelled paid booking, or a late payment). */
      readonly type: 'PaymentRefunded';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly paymentId: string;
        readonly refundId: string;
        readonly amount: Money;
        readonly refundedAt: string;
      };
    }
  | {
      /** A payment arrived for a booking that is no longer live: it must be refunded. */
      readonly type: 'LatePaymentRejected';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        readonly paymentId: string;
        readonly rejectedAt: string;
      };
    }
  | {
      /** The host admitted the booking's holder at the door; a ticket is admitted once. */
      readonly type: 'TicketCheckedIn';
      readonly data: {
        readonly screeningId: string;
        readonly bookingId: string;
        /** Who came in: the booking's owner. */
        readonly userId: string;
        /** Who let them in: the host. */
        readonly checkedInBy: string;
        readonly checkedInAt: string;
      };
    };

export type ScreeningEventType = ScreeningEvent['type'];

export const screeningEventTypes: readonly ScreeningEventType[] = [
  'ScreeningScheduled',
  'ScreeningCancelled',
  'SeatsHeld',
  'BookingConfirmed',
  'BookingExpired',
  'BookingCancelled',
  'LatePaymentRejected',
  'PaymentRequested',
  'PaymentRefunded',
  'TicketCheckedIn',
];
