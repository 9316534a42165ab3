import { v7 } from 'uuid';
import { cancelBooking, holdSeats } from '../../commands/booking-commands.js';
import { DomainError } from '../../domain/errors.js';
import type { ScreeningEvent, ScreeningState } from '../../domain/screening/index.js';
import {
  type Booking,
  findBookingFor,
  listUserBookings,
} from '../../projections/queries/booking-queries.js';
import { pageSchema } from '../pagination.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
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

/** The booking a command just created, from the aggregate state it left behind. */
function createdBooking(
  bookingId: string,
  state: ScreeningState,
  events: readonly ScreeningEvent[],
): Booking {
  const booking = state.status === 'initial' ? undefined : state.bookings.get(bookingId);
  const held = events.find((event) => event.type === 'SeatsHeld');
  if (state.status === 'initial' || !booking || !held) {
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
    createdAt: held.data.heldAt,
    payment: null,
  };
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
          'free. `payment` is null until payments are implemented.',
        body: createBookingBody,
        response: { 201: bookingSchema },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { screeningId, seats, quantity } = request.body;
      const bookingId = v7();
      const input = {
        screeningId,
        bookingId,
        userId,
        seats: seats ?? null,
        quantity: quantity ?? null,
      };
      const result = await holdSeats(runtime.commands, input, {
        metadata: { correlationId: request.id, userId },
      });
      setPosition(reply, result.position);
      return reply.code(201).send(createdBooking(bookingId, result.state, result.events));
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
        { metadata: { correlationId: request.id, userId } },
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
