import { checkInTicket } from '../../commands/check-in-commands.js';
import { DomainError } from '../../domain/errors.js';
import type { ScheduledScreening } from '../../domain/screening/index.js';
import type { Runtime } from '../../runtime.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { screeningParams } from '../schemas/screening.js';
import { bookingOfState, displayNames } from './booking-view.js';
import { checkInBody, checkInSchema, checkInsSchema } from './check-in-schemas.js';

const tags = ['tickets'];
const security = [{ bearer: [] }];

/**
 * The screening as its stream stands now, for its host only. Read from the aggregate, not the
 * read models: a door scanner must see the check-in it just made, and two scanners each other's.
 */
async function hostedScreening(
  runtime: Runtime,
  screeningId: string,
  userId: string,
): Promise<ScheduledScreening> {
  const { state } = await runtime.commands.screenings.load(screeningId);
  if (state.status === 'initial') {
    throw new DomainError('screening_not_found', `screening ${screeningId} not found`);
  }
  if (state.hostId !== userId) {
    throw new DomainError('not_screening_host', 'only the host checks people in');
  }
  return state;
}

/** Check-in at the door: admit a ticket once; the host's counts and list. */
export async function checkInRoutes(app: TypedApp, { runtime, tickets }: RouteDeps) {
  app.post(
    '/api/screenings/:id/check-in',
    {
      schema: {
        tags,
        security,
        description:
          'Admits the holder of a ticket (its code, scanned or typed) once. Again: 409 ' +
          '`already_checked_in` with the first `checkedInAt`. A forged, altered or foreign ' +
          'code: 404 `ticket_not_found`. Host only.',
        params: screeningParams,
        body: checkInBody,
        response: { 200: checkInSchema },
      },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const screeningId = request.params.id;
      // Host first: someone else learns nothing about which codes are genuine.
      await hostedScreening(runtime, screeningId, hostId);
      const bookingId = tickets.verify(request.body.code);
      if (!bookingId) throw new DomainError('ticket_not_found', 'no such ticket');
      const result = await checkInTicket(
        runtime.commands,
        { screeningId, bookingId, hostId },
        { metadata: { correlationId: request.id, userId: hostId } },
      );
      const state = result.state;
      const booking = state.status === 'initial' ? undefined : state.bookings.get(bookingId);
      if (state.status === 'initial' || !booking?.checkedInAt) {
        throw new Error(`check-in of ${bookingId} missing from the state its command left`);
      }
      const names = await displayNames(runtime.db, [booking.userId]);
      setPosition(reply, result.position);
      return {
        booking: bookingOfState(state, booking),
        seats: booking.seats.map(({ row, number }) => ({ row, number })),
        quantity: booking.quantity,
        holder: { userId: booking.userId, displayName: names.get(booking.userId) ?? '' },
        checkedInAt: booking.checkedInAt,
      };
    },
  );

  app.get(
    '/api/screenings/:id/check-ins',
    {
      schema: {
        tags,
        security,
        description:
          'Who has come in and when, with counts against the confirmed bookings. Host only.',
        params: screeningParams,
        response: { 200: checkInsSchema },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const state = await hostedScreening(runtime, request.params.id, userId);
      const confirmed = [...state.bookings.values()].filter((b) => b.status === 'CONFIRMED');
      const came = confirmed
        .filter((b) => b.checkedInAt !== null)
        .sort((a, b) => (a.checkedInAt ?? '').localeCompare(b.checkedInAt ?? ''));
      const names = await displayNames(
        runtime.db,
        came.map((b) => b.userId),
      );
      const places = (bookings: typeof confirmed) => bookings.reduce((n, b) => n + b.quantity, 0);
      return {
        screeningId: state.screeningId,
        expected: { bookings: confirmed.length, places: places(confirmed) },
        checkedIn: { bookings: came.length, places: places(came) },
        items: came.map((b) => ({
          bookingId: b.bookingId,
          holder: { userId: b.userId, displayName: names.get(b.userId) ?? '' },
          seats: b.seats.map(({ row, number }) => ({ row, number })),
          quantity: b.quantity,
          checkedInAt: b.checkedInAt ?? '',
        })),
      };
    },
  );
}
