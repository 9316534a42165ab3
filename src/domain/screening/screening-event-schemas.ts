import { z } from 'zod';
import type { EventSchemas } from '../event-schema.js';
import type { ScreeningEvent } from './screening-events.js';

// Structural checks only (strings stay strings): stored history must keep reading.
const id = z.string();
const at = z.string();
const money = z.object({ amount: z.number(), currency: z.string() });
const seat = z.object({ row: z.number(), number: z.number() });
const seating = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('general'), capacity: z.number() }),
  z.object({ kind: z.literal('assigned'), rows: z.number(), seatsPerRow: z.number() }),
]);
const booking = { screeningId: id, bookingId: id };

/** The data of each screening event (current version), checked as events are read and imported. */
export const screeningEventSchemas: EventSchemas<ScreeningEvent> = {
  ScreeningScheduled: z.object({
    screeningId: id,
    placeId: id,
    hostId: id,
    filmId: id,
    startsAt: at,
    endsAt: at,
    price: money,
    seating,
    scheduledAt: at,
  }),
  ScreeningCancelled: z.object({ screeningId: id, reason: z.string().nullable(), cancelledAt: at }),
  SeatsHeld: z.object({
    ...booking,
    userId: id,
    seats: z.array(seat),
    quantity: z.number(),
    amount: money,
    heldAt: at,
    expiresAt: at,
  }),
  BookingConfirmed: z.object({ ...booking, paymentId: id.nullable(), confirmedAt: at }),
  BookingExpired: z.object({ ...booking, expiredAt: at }),
  BookingCancelled: z.object({
    ...booking,
    reason: z.enum(['user', 'screening_cancelled', 'payment_failed']),
    refundPaymentId: id.nullable(),
    cancelledAt: at,
  }),
  PaymentRequested: z.object({
    ...booking,
    payment: z.object({ provider: z.enum(['simulated', 'stripe']), paymentId: id }),
    requestedAt: at,
  }),
  PaymentRefunded: z.object({
    ...booking,
    paymentId: id,
    refundId: id,
    amount: money,
    refundedAt: at,
  }),
  LatePaymentRejected: z.object({ ...booking, paymentId: id, rejectedAt: at }),
  TicketCheckedIn: z.object({ ...booking, userId: id, checkedInBy: id, checkedInAt: at }),
};
