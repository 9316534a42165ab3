import { z } from 'zod';
import { pageQuery } from '../pagination.js';

const bookingStatus = z.enum(['PENDING', 'CONFIRMED', 'CANCELLED', 'EXPIRED']);

/** A seat of an assigned-seating screening: rows and numbers start at 1 (row 1 is "A"). */
export const seatSchema = z.object({
  row: z.number().int().min(1).max(100_000),
  number: z.number().int().min(1).max(100_000),
});

/** A booking as every bookings route returns it. */
export const bookingSchema = z.object({
  id: z.uuid(),
  screeningId: z.uuid(),
  userId: z.uuid(),
  status: bookingStatus.describe(
    'PENDING while the seats are held (until expiresAt), CONFIRMED once paid (at once when free)',
  ),
  seats: z.array(seatSchema).describe('The seats held; empty for general admission'),
  quantity: z.number().int(),
  amount: z.number().int().describe('Total price in minor units'),
  currency: z.string(),
  expiresAt: z.iso.datetime().describe('When an unpaid hold ends (ISO-8601)'),
  createdAt: z.iso.datetime(),
  payment: z
    .object({
      provider: z.enum(['simulated', 'stripe']),
      paymentId: z.string(),
      checkoutUrl: z
        .string()
        .optional()
        .describe('BILLING=simulated: where the payer completes the payment'),
      clientSecret: z
        .string()
        .optional()
        .describe('BILLING=stripe: the PaymentIntent client secret for Stripe.js'),
    })
    .nullable()
    .describe(
      'The payment opened for a paid booking; null for a free one, and until billing has ' +
        'opened it (GET the booking again to see it)',
    ),
});

/** Body of POST /api/bookings. */
export const createBookingBody = z
  .object({
    screeningId: z.uuid(),
    // The domain allows 10 per booking and answers 11+ with 422 too_many_seats.
    seats: z
      .array(seatSchema)
      .min(1)
      .max(50)
      .optional()
      .describe('Assigned seating: the seats to book (at most 10)'),
    quantity: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('General admission: how many places (at most 10; default 1)'),
  })
  .refine((body) => body.seats === undefined || body.quantity === undefined, {
    message: 'send seats (assigned seating) or quantity (general admission), not both',
    path: ['quantity'],
  });

/** Path parameters of /api/bookings/:id routes. */
export const bookingParams = z.object({ id: z.uuid() });

/** Query of GET /api/bookings/my. */
export const myBookingsQuery = z.object({ status: bookingStatus.optional(), ...pageQuery });
