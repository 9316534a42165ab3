import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { TestClock, TestUser } from './app.js';

const DAY = 86_400_000;

/** What a fixture needs of a test app: the app to call and the clock screenings start by. */
export interface FixtureApp {
  readonly app: FastifyInstance;
  readonly clock: TestClock;
}

/** The screening a test wants; everything has a default. */
export interface ScreeningSpec {
  /** The place's name (default 'Cinema'); `timeZone` too when given. */
  readonly placeName?: string;
  readonly timeZone?: string;
  /** Price in minor units (default 0: free, bookings confirm at once). */
  readonly amount?: number;
  readonly currency?: string;
  /** As POST /api/screenings takes it: `{ capacity }` or `{ seating: { rows, seatsPerRow } }`. */
  readonly seating?: Record<string, unknown>;
  /** Days from the test clock's now to the start (default 1). */
  readonly startsInDays?: number;
  readonly filmId?: string;
}

export interface CreatedScreening {
  readonly id: string;
  readonly placeId: string;
  readonly filmId: string;
  readonly startsAt: string;
}

/** The X-Position of a command's response: a query sent with it reads its effects. */
export const positionOf = (response: LightMyRequestResponse) =>
  String(response.headers['x-position']);

const films = new WeakMap<FastifyInstance, Promise<string>>();

/** The first film of the app's catalogue (read once per app). */
export function firstFilmId(app: FastifyInstance): Promise<string> {
  let film = films.get(app);
  if (!film) {
    film = app
      .inject({ url: '/api/films?limit=1' })
      .then((response) => response.json<{ items: { id: string }[] }>().items[0]!.id);
    films.set(app, film);
  }
  return film;
}

/** A place of `host` and a screening there, both created through the API. */
export async function createScreening(
  { app, clock }: FixtureApp,
  host: TestUser,
  spec: ScreeningSpec = {},
): Promise<CreatedScreening> {
  const place = await app.inject({
    method: 'POST',
    url: '/api/places',
    headers: host.auth,
    payload: {
      name: spec.placeName ?? 'Cinema',
      ...(spec.timeZone ? { timeZone: spec.timeZone } : {}),
    },
  });
  expect(place.statusCode).toBe(201);
  const placeId = place.json<{ id: string }>().id;
  const filmId = spec.filmId ?? (await firstFilmId(app));
  const startsAt = new Date(clock.now().getTime() + (spec.startsInDays ?? 1) * DAY).toISOString();
  const response = await app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: host.auth,
    payload: {
      placeId,
      filmId,
      startsAt,
      price: { amount: spec.amount ?? 0, currency: spec.currency ?? 'EUR' },
      ...(spec.seating ?? { capacity: 20 }),
    },
  });
  expect(response.statusCode).toBe(201);
  return { id: response.json<{ id: string }>().id, placeId, filmId, startsAt };
}

/** A booking of `user` (default: one place), made through the API; 201 expected. */
export async function createBooking<B extends { id: string } = { id: string; status: string }>(
  app: FastifyInstance,
  user: TestUser,
  screeningId: string,
  choice: Record<string, unknown> = { quantity: 1 },
  headers: Record<string, string> = {},
): Promise<B & { position: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    headers: { ...user.auth, ...headers },
    payload: { screeningId, ...choice },
  });
  expect(response.statusCode).toBe(201);
  return { ...response.json<B>(), position: positionOf(response) };
}
