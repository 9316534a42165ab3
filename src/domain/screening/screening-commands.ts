import type { Money } from '../money.js';
import type { Seat, Seating } from '../seat.js';
import type { Payment } from './screening-events.js';

/** Commands on a screening. Time and new ids arrive on the command. */
export type ScreeningCommand =
  | {
      readonly type: 'ScheduleScreening';
      readonly screeningId: string;
      readonly placeId: string;
      readonly hostId: string;
      readonly filmId: string;
      readonly startsAt: Date;
      readonly endsAt: Date;
      readonly price: Money;
      readonly seating: Seating;
      readonly now: Date;
    }
  | {
      readonly type: 'CancelScreening';
      readonly screeningId: string;
      readonly hostId: string;
      readonly reason: string | null;
      readonly now: Date;
    }
  | {
      /** Creates a booking: `seats` for assigned seating, `quantity` for general admission. */
      readonly type: 'HoldSeats';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly userId: string;
      readonly seats: readonly Seat[] | null;
      readonly quantity: number | null;
      readonly now: Date;
      /** How long the hold lasts before the booking expires unpaid. */
      readonly holdSeconds: number;
    }
  | {
      readonly type: 'ConfirmBooking';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly paymentId: string;
      readonly now: Date;
    }
  | {
      readonly type: 'FailBookingPayment';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly paymentId: string;
      readonly now: Date;
    }
  | {
      readonly type: 'ExpireBooking';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly now: Date;
    }
  | {
      /** Billing opened a payment for the booking (no-op once recorded). */
      readonly type: 'RequestPayment';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly payment: Payment;
      readonly now: Date;
    }
  | {
      /** Billing refunded a payment of the booking (no-op once recorded). */
      readonly type: 'RecordRefund';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly paymentId: string;
      readonly refundId: string;
      readonly now: Date;
    }
  | {
      /** The host admits a confirmed booking's holder at the door, once. */
      readonly type: 'CheckInTicket';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly hostId: string;
      readonly now: Date;
    }
  | {
      readonly type: 'CancelBooking';
      readonly screeningId: string;
      readonly bookingId: string;
      readonly userId: string;
      readonly now: Date;
    };

/** Most seats one booking may take. */
export const MAX_SEATS_PER_BOOKING = 10;
