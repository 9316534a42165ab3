import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { CommandResult } from '../../commands/decider-handler.js';
import {
  type ScheduleScreeningInput,
  scheduleScreening,
} from '../../commands/schedule-screening.js';
import { cancelScreening } from '../../commands/screening-commands.js';
import { DomainError } from '../../domain/errors.js';
import type { ScreeningEvent, ScreeningState } from '../../domain/screening/index.js';
import type { Seating } from '../../domain/seat.js';
import type { Runtime } from '../../runtime.js';
import { ApiError } from '../api-error.js';
import { findFilm } from '../films/film-queries.js';
import { etag, expectedVersion } from '../if-match.js';
import { pageQuery, pageSchema } from '../pagination.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import { newResourceId } from '../resource-id.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { bookingSchema } from '../schemas/booking.js';
import {
  cancelScreeningBody,
  type Screening,
  scheduleScreeningBody,
  screeningOfState,
  screeningParams,
  screeningSchema,
  searchScreeningsQuery,
  seatMapSchema,
} from '../schemas/screening.js';
import {
  findScreening,
  findSeatMap,
  listScreeningBookings,
  type ScreeningSearch,
  searchScreenings,
} from './screening-queries.js';

const tags = ['screenings'];
const screeningPage = pageSchema(screeningSchema);
const security = [{ bearer: [] }];
const notFound = (id: string) =>
  new DomainError('screening_not_found', `screening ${id} not found`);

/** The screening a command left behind, named from the catalogue and the place aggregate. */
async function screeningOfResult(
  runtime: Runtime,
  result: CommandResult<ScreeningEvent, ScreeningState>,
): Promise<Screening> {
  const { state, revision } = result;
  if (state.status === 'initial') throw new Error('a screening command left no screening');
  const film = await findFilm(runtime.db, state.filmId);
  const place = (await runtime.commands.places.load(state.placeId)).state;
  const placeName = place.status === 'initial' ? '' : place.name;
  return screeningOfState(state, revision, { filmTitle: film?.title ?? '', placeName });
}

/** Refuses anyone but the host of an existing screening (a missing one is the command's 404). */
async function requireHost(runtime: Runtime, screeningId: string, userId: string) {
  const { state } = await runtime.commands.screenings.load(screeningId);
  if (state.status !== 'initial' && state.hostId !== userId) {
    throw new DomainError('not_screening_host', 'only the host may cancel the screening');
  }
}

/** The command input of a schedule request; the running time defaults to the film's. */
function scheduleInput(
  screeningId: string,
  body: z.infer<typeof scheduleScreeningBody>,
  hostId: string,
  filmMinutes: number,
): ScheduleScreeningInput {
  const { placeId, filmId, price, capacity, seating: plan, durationMinutes } = body;
  const startsAt = new Date(body.startsAt);
  const endsAt = new Date(startsAt.getTime() + (durationMinutes ?? filmMinutes) * 60_000);
  // The body schema lets exactly one of `seating` and `capacity` through.
  const seating: Seating = plan
    ? { kind: 'assigned', ...plan }
    : { kind: 'general', capacity: capacity ?? 0 };
  return { screeningId, placeId, hostId, filmId, startsAt, endsAt, price, seating };
}

/** Scheduling, searching, reading and cancelling screenings; their seats and bookings. */
export async function screeningRoutes(app: TypedApp, { runtime, readCache }: RouteDeps) {
  const cached = (key: string, wanted: string | undefined, compute: () => Promise<string>) =>
    readCache ? readCache.get(key, wanted, compute) : compute();
  app.post(
    '/api/screenings',
    {
      config: { idempotent: true },
      schema: { tags, security, body: scheduleScreeningBody, response: { 201: screeningSchema } },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const film = await findFilm(runtime.db, request.body.filmId);
      if (!film) throw new ApiError('film_not_found', `film ${request.body.filmId} not found`);
      const screeningId = newResourceId(request, 'screening');
      const input = scheduleInput(screeningId, request.body, hostId, film.durationMinutes);
      const metadata = { correlationId: request.id, userId: hostId };
      const result = await scheduleScreening(runtime.commands, input, metadata);
      const screening = await screeningOfResult(runtime, result);
      setPosition(reply, result.position);
      reply.header('ETag', etag(screening.version));
      return reply.code(201).header('Location', `/api/screenings/${screening.id}`).send(screening);
    },
  );

  app.get(
    '/api/screenings',
    {
      schema: {
        tags,
        description: 'Ordered by startsAt (then id). `mine=true` needs a token.',
        querystring: searchScreeningsQuery,
        response: { 200: screeningPage },
      },
    },
    async (request, reply) => {
      const { mine, ...query } = request.query;
      let search: ScreeningSearch = query;
      if (mine === 'true') {
        const me = requireUser(request);
        if (query.hostId && query.hostId !== me) return { items: [], nextCursor: null };
        search = { ...query, hostId: me };
      }
      const key = JSON.stringify(search);
      const body = await cached(key, request.readPosition, async () =>
        JSON.stringify(screeningPage.parse(await searchScreenings(runtime.db, search))),
      );
      // A string goes out as it is: checked against the response schema once, when computed.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );

  app.get(
    '/api/screenings/:id',
    { schema: { tags, params: screeningParams, response: { 200: screeningSchema } } },
    async (request, reply) => {
      const screening = await findScreening(runtime.db, request.params.id);
      if (!screening) throw notFound(request.params.id);
      return reply.header('ETag', etag(screening.version)).send(screening);
    },
  );

  app.get(
    '/api/screenings/:id/seats',
    { schema: { tags, params: screeningParams, response: { 200: seatMapSchema } } },
    async (request) => {
      const seats = await findSeatMap(runtime.db, request.params.id);
      if (!seats) throw notFound(request.params.id);
      return seats;
    },
  );

  app.get(
    '/api/screenings/:id/bookings',
    {
      schema: {
        tags,
        security,
        description: 'Every booking of the screening, oldest first (its host only).',
        params: screeningParams,
        querystring: z.object(pageQuery),
        response: { 200: pageSchema(bookingSchema) },
      },
    },
    async (request) => {
      const userId = requireUser(request);
      const screening = await findScreening(runtime.db, request.params.id);
      if (!screening) throw notFound(request.params.id);
      if (screening.hostId !== userId) {
        throw new DomainError('not_screening_host', 'only the host sees the bookings');
      }
      return listScreeningBookings(runtime.db, screening.id, request.query);
    },
  );

  app.post(
    '/api/screenings/:id/cancel',
    {
      config: { idempotent: true },
      schema: {
        tags,
        security,
        description: 'Cancels every live booking too. Honours `If-Match: "<version>"`.',
        params: screeningParams,
        body: cancelScreeningBody,
        response: { 200: screeningSchema },
      },
    },
    async (request, reply) => {
      const hostId = requireUser(request);
      const input = {
        screeningId: request.params.id,
        hostId,
        reason: request.body?.reason ?? null,
      };
      const version = expectedVersion(request);
      // Authorization before the precondition: a stranger's stale If-Match is a 403, not a 412.
      if (version !== undefined) await requireHost(runtime, input.screeningId, hostId);
      const result = await cancelScreening(runtime.commands, input, {
        metadata: { correlationId: request.id, userId: hostId },
        expectedVersion: version,
      });
      const screening = await screeningOfResult(runtime, result);
      setPosition(reply, result.position);
      return reply.header('ETag', etag(screening.version)).send(screening);
    },
  );
}
