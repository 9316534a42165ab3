import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { BillingProvider } from '../../commands/billing-provider.js';
import { cancelBooking } from '../../commands/booking-commands.js';
import { type HeldBooking, holdBooking } from '../../commands/hold-booking.js';
import { DomainError } from '../../domain/errors.js';
import { expectedVersion } from '../if-match.js';
import { pageSchema } from '../pagination.js';
import { requireUser } from '../plugins/authentication.js';
import { awaitReadModelsAtHead, setPosition } from '../plugins/consistency.js';
import { newResourceId } from '../resource-id.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import {
  bookingParams,
  bookingSchema,
  createBookingBody,
  myBookingsQuery,
} from '../schemas/booking.js';
import {
  type Booking,
  findBookingFor,
  listUserBookings,
  toBookingPayment,
} from './booking-queries.js';

const tags = ['bookings'];
const security = [{ bearer: [] }];

/**
 * RFC 7240 `Prefer: respond-async`: the client polls for the payment, so the hold answers
 * without waiting for billing (`payment` may be null; the billing reactor opens it).
 */
function respondAsync(request: FastifyRequest): boolean {
  const prefer = request.headers.prefer;
  return typeof prefer === 'string' && /(?:^|[,;\s])respond-async\b/i.test(prefer);
}

/** The booking a command just created, from the aggregate state it left behind. */
function createdBooking(bookingId: string, held: HeldBooking): Booking {
  const { state } = held;
  const booking = state.status === 'initial' ? undefined : state.bookings.get(bookingId);
  if (state.status === 'initial' || !booking) {
    throw new Error(`booking ${bookingId} missing from the state its command left`);
  }
  return {
    id: bookingId,
    screeningId: state.screeningId,
    userId: booking.userId,
    status: booking.status,
    seats: booking.seats.map(({ row, number }) => ({ row, number })),
    quantity: booking.quantity,
    amount: booking.amount.amount,
    currency: booking.amount.currency,
    expiresAt: booking.expiresAt,
    createdAt: booking.heldAt,
    payment: toBookingPayment(booking.payment && { ...booking.payment }, held.clientSecret),
  };
}

/**
 * The booking as its owner needs it to pay: a pending Stripe payment's client secret is asked
 * of Stripe for this answer (it is stored nowhere). Without it the booking is still shown.
 */
async function withClientSecret(
  billing: BillingProvider,
  booking: Booking,
  userId: string,
  log: FastifyBaseLogger,
): Promise<Booking> {
  const { payment } = booking;
  if (booking.userId !== userId || booking.status !== 'PENDING') return booking;
  if (payment?.provider !== 'stripe' || billing.name !== 'stripe') return booking;
  try {
    const clientSecret = await billing.clientSecret(payment.paymentId);
    return clientSecret === null ? booking : { ...booking, payment: { ...payment, clientSecret } };
  } catch (error) {
    log.warn({ err: error, paymentId: payment.paymentId }, 'client secret not available');
    return booking;
  }
}

/** Booking seats, the caller's bookings, and cancelling one. */
export async function bookingRoutes(app: TypedApp, { runtime, readModels }: RouteDeps) {
  app.post(
    '/api/bookings',
    {
      // The hold is decided on the screening's stream, which holds the caller's every write.
      config: { idempotent: true, decidedOnLog: true },
      schema: {
        tags,
        security,
        description:
          'Holds seats: `seats` for assigned seating, `quantity` for general admission (at most ' +
          '10). The booking is PENDING until paid, or CONFIRMED at once when the screening is ' +
          'free. The 201 of a paid hold carries its `payment` (`checkoutUrl` for simulated ' +
          'billing, `clientSecret` for Stripe) so the payer can pay at once, and `X-Position` ' +
          'covers it. Send `Prefer: respond-async` to answer without waiting for billing: ' +
          '`payment` may then be null, and GET /api/bookings/:id shows it moments later. Should ' +
          'billing be unreachable, the hold still answers 201 (payment null) and billing opens ' +
          'the payment as soon as it can.',
        body: createBookingBody,
        response: { 201: bookingSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { screeningId, seats, quantity } = request.body;
      const bookingId = newResourceId(request, 'booking');
      const input = {
        screeningId,
        bookingId,
        userId,
        seats: seats ?? null,
        quantity: quantity ?? null,
      };
      const held = await holdBooking(runtime.commands, runtime.billing, input, {
        metadata: { correlationId: request.id, userId },
        expectedVersion: expectedVersion(request),
        openPayment: !respondAsync(request),
        log: request.log,
      });
      setPosition(reply, held.position);
      return reply.code(201).send(createdBooking(bookingId, held));
    },
  );

  app.get(
    '/api/bookings/my',
    {
      schema: {
        tags,
        security,
        description: "The caller's bookings, newest first, optionally of one status.",
        querystring: myBookingsQuery,
        response: { 200: pageSchema(bookingSchema) },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      return listUserBookings(runtime.db, { userId, ...request.query });
    },
  );

  app.get(
    '/api/bookings/:id',
    {
      schema: {
        tags,
        security,
        description:
          "A booking, for its owner or the screening's host (404 for anyone else). For the " +
          'owner of a PENDING Stripe booking, `payment.clientSecret` is fetched from Stripe.',
        params: bookingParams,
        response: { 200: bookingSchema },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const booking = await findBookingFor(runtime.db, request.params.id, userId);
      if (!booking) throw notFound(request.params.id);
      return withClientSecret(runtime.billing, booking, userId, request.log);
    },
  );

  app.post(
    '/api/bookings/:id/cancel',
    {
      config: { idempotent: true },
      schema: {
        tags,
        security,
        description: "Cancels one of the caller's bookings and frees its seats.",
        params: bookingParams,
        response: { 200: bookingSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const bookingId = request.params.id;
      // The read model says which screening owns the booking. A miss may be a booking written
      // a moment ago (on another node, say): wait for the read models to reach the head first.
      let booking = await findBookingFor(runtime.db, bookingId, userId);
      if (!booking) {
        await awaitReadModelsAtHead(runtime, readModels);
        booking = await findBookingFor(runtime.db, bookingId, userId);
      }
      if (!booking) throw notFound(bookingId);
      const { screeningId } = booking;
      const result = await cancelBooking(
        runtime.commands,
        { screeningId, bookingId, userId },
        {
          metadata: { correlationId: request.id, userId },
          expectedVersion: expectedVersion(request),
        },
      );
      setPosition(reply, result.position);
      const state =
        result.state.status === 'initial' ? undefined : result.state.bookings.get(bookingId);
      return { ...booking, status: state?.status ?? 'CANCELLED' };
    },
  );
}

function notFound(bookingId: string) {
  return new DomainError('booking_not_found', `booking ${bookingId} not found`);
}
