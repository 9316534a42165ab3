import type { FastifyRequest } from 'fastify';
import { cancelBooking, holdSeats } from '../../commands/booking-commands.js';
import { DomainError } from '../../domain/errors.js';
import type { ScreeningState } from '../../domain/screening/index.js';
import { waitForPosition } from '../../projections/checkpoints.js';
import { BILLING_REACTOR } from '../../projections/reactors/billing-reactor.js';
import type { Runtime } from '../../runtime.js';
import { expectedVersion } from '../if-match.js';
import { pageSchema } from '../pagination.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import {
  type Booking,
  findBookingFor,
  listUserBookings,
  toBookingPayment,
} from '../queries/booking-queries.js';
import { newResourceId } from '../resource-id.js';
import {
  bookingParams,
  bookingSchema,
  createBookingBody,
  myBookingsQuery,
} from '../schemas/booking.js';
import type { RouteDeps } from './index.js';
import type { TypedApp } from './typed-app.js';

const tags = ['bookings'];
const security = [{ bearer: [] }];
// The longest a client may ask a paid hold to wait for billing (`Prefer: wait=<seconds>`).
const MAX_PAYMENT_WAIT_MS = 10_000;

/**
 * RFC 7240 `Prefer: wait=N`: how long the client is willing to wait for billing to open the
 * payment so the 201 carries it. Default 0: the hold answers at once, `payment` follows.
 */
function paymentWaitMs(request: FastifyRequest): number {
  const prefer = request.headers.prefer;
  const match = typeof prefer === 'string' ? /(?:^|[,;\s])wait=(\d{1,5})\b/i.exec(prefer) : null;
  return match ? Math.min(Number(match[1]) * 1000, MAX_PAYMENT_WAIT_MS) : 0;
}

/** The booking a command just created, from the aggregate state it left behind. */
function createdBooking(bookingId: string, state: ScreeningState): Booking {
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
    payment: toBookingPayment(booking.payment && { ...booking.payment }),
  };
}

type HoldResult = Awaited<ReturnType<typeof holdSeats>>;

/**
 * A paid hold, once the billing reactor has opened its payment (waiting at most `waitMs`):
 * the screening's state then carries it, and the position covers it.
 */
async function withPayment(
  runtime: Runtime,
  bookingId: string,
  result: HoldResult,
  waitMs: number,
) {
  const { state, position } = result;
  if (waitMs === 0 || state.status === 'initial' || position === undefined)
    return { state, position };
  const booking = state.bookings.get(bookingId);
  if (booking?.status !== 'PENDING' || booking.amount.amount === 0) return { state, position };
  const { db, store, commands } = runtime;
  const opts = { timeoutMs: waitMs };
  if (!(await waitForPosition(db, store, [BILLING_REACTOR], position, opts))) {
    return { state, position };
  }
  const loaded = await commands.screenings.load(state.screeningId);
  // The payment's event follows the hold: X-Position must cover it for the GET to show it.
  return { state: loaded.state, position: (await store.headPosition()) ?? position };
}

/** Booking seats, the caller's bookings, and cancelling one. */
export async function bookingRoutes(app: TypedApp, { runtime }: RouteDeps) {
  app.post(
    '/api/bookings',
    {
      config: { idempotent: true },
      schema: {
        tags,
        security,
        description:
          'Holds seats: `seats` for assigned seating, `quantity` for general admission (at most ' +
          '10). The booking is PENDING until paid, or CONFIRMED at once when the screening is ' +
          'free. Billing opens the payment of a paid booking just after the hold (`payment`: ' +
          '`checkoutUrl` for simulated billing, `clientSecret` for Stripe): send ' +
          '`Prefer: wait=5` to have the 201 wait (up to that many seconds, at most 10) and carry ' +
          'it; otherwise the 201 answers at once, usually with `payment: null`, and ' +
          'GET /api/bookings/:id (or the booking.created notification flow) shows it moments later.',
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
      const result = await holdSeats(runtime.commands, input, {
        metadata: { correlationId: request.id, userId },
        expectedVersion: expectedVersion(request),
      });
      const { state, position } = await withPayment(
        runtime,
        bookingId,
        result,
        paymentWaitMs(request),
      );
      setPosition(reply, position);
      return reply.code(201).send(createdBooking(bookingId, state));
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
        description: "A booking, for its owner or the screening's host (404 for anyone else).",
        params: bookingParams,
        response: { 200: bookingSchema },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const booking = await findBookingFor(runtime.db, request.params.id, userId);
      if (!booking) throw notFound(request.params.id);
      return booking;
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
      // The read model says which screening owns the booking; send X-Min-Position if it is new.
      const booking = await findBookingFor(runtime.db, bookingId, userId);
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
