import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import catalogue from '../../src/films/catalogue.json' with { type: 'json' };
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';

let test: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  test = await startTestApp();
  app = test.app;
});
afterAll(async () => test?.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOUR = 3600_000;
const [film, otherFilm] = [catalogue[0]!, catalogue[1]!];
const EUR = (amount: number) => ({ amount, currency: 'EUR' });

interface Screening {
  id: string;
  placeId: string;
  hostId: string;
  filmId: string;
  startsAt: string;
  status: string;
  seatsAvailable: number;
  version: number;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A time `hours` from the test clock's now. */
const inHours = (hours: number) => new Date(test.clock.now().getTime() + hours * HOUR);
const positionOf = (response: LightMyRequestResponse) => String(response.headers['x-position']);
const fresh = (position?: string) => (position ? { 'x-min-position': position } : {});

async function placeOf(host: TestUser, name = 'Hall') {
  const response = await app.inject({
    method: 'POST',
    url: '/api/places',
    headers: host.auth,
    payload: { name },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string; name: string }>();
}

function schedule(user: TestUser | undefined, payload: Record<string, unknown>, headers = {}) {
  return app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: { ...user?.auth, ...headers },
    payload,
  });
}

/** A valid schedule body at `placeId`, tomorrow, general admission, 8.50 EUR. */
function body(placeId: string, overrides: Record<string, unknown> = {}) {
  return {
    placeId,
    filmId: film.id,
    startsAt: inHours(24).toISOString(),
    capacity: 50,
    price: EUR(850),
    ...overrides,
  };
}

async function scheduled(host: TestUser, placeId: string, overrides: Record<string, unknown> = {}) {
  const response = await schedule(host, body(placeId, overrides));
  expect(response.statusCode).toBe(201);
  return { screening: response.json<Screening>(), position: positionOf(response) };
}

function get(url: string, user?: TestUser, position?: string) {
  return app.inject({ method: 'GET', url, headers: { ...user?.auth, ...fresh(position) } });
}

function cancel(id: string, user?: TestUser, headers = {}, payload: Record<string, unknown> = {}) {
  return app.inject({
    method: 'POST',
    url: `/api/screenings/${id}/cancel`,
    headers: { ...user?.auth, ...headers },
    payload,
  });
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(problemOf(response).code).toBe(code);
}

describe('POST /api/screenings', () => {
  it('schedules a general-admission screening: 201, the full screening, ETag and X-Position', async () => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host, 'Basement');
    const startsAt = inHours(48);
    const response = await schedule(
      host,
      body(place.id, { startsAt: startsAt.toISOString(), durationMinutes: 90 }),
    );
    expect(response.statusCode).toBe(201);
    const screening = response.json<Screening>();
    expect(screening).toEqual({
      id: expect.stringMatching(UUID),
      placeId: place.id,
      hostId: host.id,
      filmId: film.id,
      film: { id: film.id, title: film.title },
      place: { id: place.id, name: 'Basement' },
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 90 * 60_000).toISOString(),
      status: 'scheduled',
      seating: 'general',
      capacity: 50,
      seatsAvailable: 50,
      price: EUR(850),
      version: 0,
    });
    expect(response.headers.etag).toBe('"0"');
    expect(response.headers['x-position']).toEqual(expect.any(String));
    const read = await get(`/api/screenings/${screening.id}`, undefined, positionOf(response));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(screening);
    expect(read.headers.etag).toBe('"0"');
  });

  it("schedules assigned seating, takes the film's running time and reads an offset as UTC", async () => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host);
    const startsAt = new Date(Math.ceil(inHours(30).getTime() / HOUR) * HOUR);
    // The same instant as local time at +02:00.
    const withOffset = new Date(startsAt.getTime() + 2 * HOUR)
      .toISOString()
      .replace('.000Z', '+02:00');
    const { capacity: _, ...general } = body(place.id, { startsAt: withOffset });
    const response = await schedule(host, { ...general, seating: { rows: 4, seatsPerRow: 6 } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + film.durationMinutes * 60_000).toISOString(),
      seating: 'assigned',
      capacity: 24,
      seatsAvailable: 24,
    });
  });

  it.each([
    ['both capacity and seating', { seating: { rows: 2, seatsPerRow: 2 } }],
    ['neither capacity nor seating', { capacity: undefined }],
    ['capacity 0', { capacity: 0 }],
    ['capacity over 100000', { capacity: 100_001 }],
    ['101 rows', { capacity: undefined, seating: { rows: 101, seatsPerRow: 1 } }],
    ['201 seats per row', { capacity: undefined, seating: { rows: 1, seatsPerRow: 201 } }],
    ['a lower-case currency', { price: { amount: 100, currency: 'eur' } }],
    ['a negative price', { price: EUR(-1) }],
    ['a fractional price', { price: EUR(1.5) }],
    ['no price', { price: undefined }],
    ['durationMinutes 0', { durationMinutes: 0 }],
    ['durationMinutes 601', { durationMinutes: 601 }],
    ['a start without offset', { startsAt: '2031-01-01T20:00:00' }],
    ['a start that is no date', { startsAt: 'tomorrow' }],
    // Once a 500 after the append, whose "+010000" end froze every read model.
    ['a start in year 9999', { startsAt: '9999-12-31T23:00:00Z', durationMinutes: 600 }],
    ['a start in 2100', { startsAt: '2100-01-01T00:00:00Z' }],
    ['a film id that is no UUID', { filmId: 'matrix' }],
    ['no place', { placeId: undefined }],
  ])('refuses %s with 400 validation_failed', async (_, overrides) => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host);
    expectProblem(await schedule(host, body(place.id, overrides)), 400, 'validation_failed');
  });

  it('answers 404 place_not_found, 404 film_not_found, 422 starts_in_past', async () => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host);
    expectProblem(await schedule(host, body(randomUUID())), 404, 'place_not_found');
    expectProblem(
      await schedule(host, body(place.id, { filmId: randomUUID() })),
      404,
      'film_not_found',
    );
    const past = body(place.id, { startsAt: inHours(-1).toISOString() });
    expectProblem(await schedule(host, past), 422, 'starts_in_past');
    const now = body(place.id, { startsAt: test.clock.now().toISOString() });
    expectProblem(await schedule(host, now), 422, 'starts_in_past');
  });

  it('answers 404 place_not_found for a deleted place', async () => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host);
    const deleted = await app.inject({
      method: 'DELETE',
      url: `/api/places/${place.id}`,
      headers: host.auth,
    });
    expect(deleted.statusCode).toBe(204);
    expectProblem(await schedule(host, body(place.id)), 404, 'place_not_found');
  });

  it('replays a retry with the same Idempotency-Key; another body with it is 422', async () => {
    const host = await registerUser(app, 'Host');
    const place = await placeOf(host);
    const key = { 'idempotency-key': `schedule-${randomUUID()}` };
    const payload = body(place.id);
    const first = await schedule(host, payload, key);
    const retry = await schedule(host, payload, key);
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json<Screening>().id).toBe(first.json<Screening>().id);
    expect(retry.headers.etag).toBe('"0"');
    expectProblem(
      await schedule(host, { ...payload, capacity: 51 }, key),
      422,
      'idempotency_key_reused',
    );
    const listed = await get(`/api/screenings?hostId=${host.id}`, undefined, positionOf(first));
    expect(listed.json<Page<Screening>>().items).toHaveLength(1);
  });
});

describe('GET /api/screenings/:id and /seats', () => {
  it('answers 404 screening_not_found and 400 for an id that is no UUID', async () => {
    expectProblem(await get(`/api/screenings/${randomUUID()}`), 404, 'screening_not_found');
    expectProblem(await get(`/api/screenings/${randomUUID()}/seats`), 404, 'screening_not_found');
    expectProblem(await get('/api/screenings/nope'), 400, 'validation_failed');
  });

  it('shows no seats for general admission', async () => {
    const host = await registerUser(app, 'Host');
    const { screening, position } = await scheduled(host, (await placeOf(host)).id, {
      capacity: 7,
    });
    const response = await get(`/api/screenings/${screening.id}/seats`, undefined, position);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      screeningId: screening.id,
      seating: 'general',
      capacity: 7,
      available: 7,
      seats: [],
    });
  });

  it('lists every seat row by row, LOCKED once held', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const seating = { rows: 2, seatsPerRow: 3 };
    const { screening } = await scheduled(host, (await placeOf(host)).id, {
      capacity: undefined,
      seating,
    });
    const held = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: viewer.auth,
      payload: { screeningId: screening.id, seats: [{ row: 2, number: 1 }] },
    });
    expect(held.statusCode).toBe(201);
    const response = await get(
      `/api/screenings/${screening.id}/seats`,
      undefined,
      positionOf(held),
    );
    const status = (row: number, number: number) =>
      row === 2 && number === 1 ? 'LOCKED' : 'AVAILABLE';
    const seats = [1, 2].flatMap((row) =>
      [1, 2, 3].map((number) => ({ row, number, status: status(row, number) })),
    );
    expect(response.json()).toEqual({
      screeningId: screening.id,
      seating: 'assigned',
      capacity: 6,
      available: 5,
      seats,
    });
  });
});

describe('GET /api/screenings (search)', () => {
  async function fixture() {
    const host = await registerUser(app, 'Host');
    const [a, b] = [await placeOf(host, 'A'), await placeOf(host, 'B')];
    const t = (h: number) => inHours(100 + h).toISOString();
    const rows: Screening[] = [];
    let position = '';
    for (const [placeId, filmId, hours] of [
      [a.id, film.id, 3],
      [b.id, otherFilm.id, 1],
      [a.id, otherFilm.id, 5],
      [b.id, film.id, 2],
      [a.id, film.id, 4],
    ] as const) {
      const result = await scheduled(host, placeId, { filmId, startsAt: t(hours) });
      rows.push(result.screening);
      position = result.position;
    }
    const cancelled = await cancel(rows[4]!.id, host);
    expect(cancelled.statusCode).toBe(200);
    position = positionOf(cancelled);
    const byStart = [...rows].sort((x, y) => x.startsAt.localeCompare(y.startsAt)).map((s) => s.id);
    return { host, a, b, t, rows, byStart, position };
  }

  const ids = async (url: string, position: string, user?: TestUser) => {
    const response = await get(url, user, position);
    expect(response.statusCode).toBe(200);
    return response.json<Page<Screening>>().items.map((s) => s.id);
  };

  it('filters by host, film, place, time window and status, ordered by startsAt', async () => {
    const { host, a, b, t, rows, byStart, position } = await fixture();
    const [s3, s1, s5, s2, s4] = rows.map((s) => s.id);
    const q = `/api/screenings?hostId=${host.id}`;
    expect(await ids(q, position)).toEqual(byStart);
    expect(byStart).toEqual([s1, s2, s3, s4, s5]);
    expect(await ids(`${q}&filmId=${film.id}`, position)).toEqual([s2, s3, s4]);
    expect(await ids(`${q}&placeId=${a.id}`, position)).toEqual([s3, s4, s5]);
    expect(await ids(`/api/screenings?placeId=${b.id}`, position)).toEqual([s1, s2]);
    const window = `&from=${encodeURIComponent(t(2))}&to=${encodeURIComponent(t(4))}`;
    expect(await ids(`${q}${window}`, position)).toEqual([s2, s3]);
    expect(await ids(`${q}&status=cancelled`, position)).toEqual([s4]);
    expect(await ids(`${q}&status=scheduled&placeId=${a.id}`, position)).toEqual([s3, s5]);
    const byFilm = await get(
      `/api/screenings?filmId=${otherFilm.id}&limit=100`,
      undefined,
      position,
    );
    const items = byFilm.json<Page<Screening>>().items;
    expect(items.every((s) => s.filmId === otherFilm.id)).toBe(true);
    expect(items.map((s) => s.id)).toEqual(expect.arrayContaining([s1, s5]));
  });

  it('pages by cursor without duplicates or gaps', async () => {
    const { host, byStart, position } = await fixture();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const response = await get(
        `/api/screenings?hostId=${host.id}&limit=2${after}`,
        undefined,
        position,
      );
      const page = response.json<Page<Screening>>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(byStart);
  });

  it("mine=true: the caller's screenings; 401 without a token", async () => {
    const { host, byStart, position } = await fixture();
    const other = await registerUser(app, 'Other');
    expectProblem(await get('/api/screenings?mine=true'), 401, 'unauthorized');
    expect(await ids('/api/screenings?mine=true&limit=100', position, host)).toEqual(byStart);
    expect(await ids('/api/screenings?mine=true', position, other)).toEqual([]);
    expect(await ids(`/api/screenings?mine=true&hostId=${host.id}`, position, other)).toEqual([]);
  });

  it.each([
    ['from=yesterday', 'validation_failed'],
    ['status=open', 'validation_failed'],
    ['hostId=me', 'validation_failed'],
    ['limit=101', 'validation_failed'],
    ['cursor=not-a-cursor', 'invalid_cursor'],
  ])('refuses %s with 400 %s', async (query, code) => {
    expectProblem(await get(`/api/screenings?${query}`), 400, code);
  });
});

describe('GET /api/screenings/:id/bookings', () => {
  it('lists the bookings for the host only: anonymous 401, another user 403, unknown 404', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const { screening } = await scheduled(host, (await placeOf(host)).id);
    // The 201 carries the payment and its X-Position covers it: no wait, no race.
    const held = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: viewer.auth,
      payload: { screeningId: screening.id, quantity: 2 },
    });
    expect(held.statusCode).toBe(201);
    expect(held.json<{ payment: unknown }>().payment).toMatchObject({ provider: 'simulated' });
    const url = `/api/screenings/${screening.id}/bookings`;
    expectProblem(await get(url, undefined, positionOf(held)), 401, 'unauthorized');
    expectProblem(await get(url, viewer, positionOf(held)), 403, 'not_screening_host');
    expectProblem(
      await get(`/api/screenings/${randomUUID()}/bookings`, host),
      404,
      'screening_not_found',
    );
    const response = await get(url, host, positionOf(held));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [held.json()], nextCursor: null });
    expect(held.json()).toMatchObject({
      screeningId: screening.id,
      userId: viewer.id,
      status: 'PENDING',
      quantity: 2,
      amount: 1700,
      currency: 'EUR',
      seats: [],
    });
  });
});

describe('POST /api/screenings/:id/cancel', () => {
  it('cancels the screening and every booking of it', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const { screening } = await scheduled(host, (await placeOf(host)).id, { capacity: 10 });
    const held = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: viewer.auth,
      payload: { screeningId: screening.id, quantity: 3 },
    });
    expect(held.statusCode).toBe(201);
    const response = await cancel(screening.id, host, {}, { reason: 'projector broke' });
    expect(response.statusCode).toBe(200);
    const version = response.json<Screening>().version;
    expect(version).toBeGreaterThan(1);
    expect(response.json()).toEqual({
      ...screening,
      status: 'cancelled',
      seatsAvailable: 10,
      version,
    });
    expect(response.headers.etag).toBe(`"${version}"`);
    const position = positionOf(response);
    const read = await get(`/api/screenings/${screening.id}`, undefined, position);
    expect(read.json()).toEqual(response.json());
    expect(read.headers.etag).toBe(`"${version}"`);
    const bookings = await get(`/api/screenings/${screening.id}/bookings`, host, position);
    expect(bookings.json<Page<{ status: string }>>().items.map((b) => b.status)).toEqual([
      'CANCELLED',
    ]);
    expectProblem(await cancel(screening.id, host), 409, 'screening_cancelled');
  });

  it('accepts no body at all', async () => {
    const host = await registerUser(app, 'Host');
    const { screening } = await scheduled(host, (await placeOf(host)).id);
    const response = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screening.id}/cancel`,
      headers: host.auth,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'cancelled', version: 1 });
  });

  it('honours If-Match: a stale version is 412 version_mismatch, the current one passes', async () => {
    const host = await registerUser(app, 'Host');
    const { screening } = await scheduled(host, (await placeOf(host)).id);
    expectProblem(await cancel(screening.id, host, { 'if-match': '"7"' }), 412, 'version_mismatch');
    expectProblem(
      await cancel(screening.id, host, { 'if-match': 'seven' }),
      400,
      'validation_failed',
    );
    const response = await cancel(screening.id, host, { 'if-match': '"0"' });
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expectProblem(await cancel(screening.id, host, { 'if-match': '"0"' }), 412, 'version_mismatch');
  });

  it('answers 409 screening_already_started once it has started, 404 for an unknown one, 400 for a long reason', async () => {
    const host = await registerUser(app, 'Host');
    const { screening } = await scheduled(host, (await placeOf(host)).id, {
      startsAt: inHours(1).toISOString(),
    });
    expectProblem(
      await cancel(screening.id, host, {}, { reason: 'x'.repeat(501) }),
      400,
      'validation_failed',
    );
    expectProblem(await cancel(randomUUID(), host), 404, 'screening_not_found');
    test.clock.advance(HOUR);
    expectProblem(await cancel(screening.id, host), 409, 'screening_already_started');
  });

  it('replays a retry with the same Idempotency-Key', async () => {
    const host = await registerUser(app, 'Host');
    const { screening } = await scheduled(host, (await placeOf(host)).id);
    const key = { 'idempotency-key': `cancel-${randomUUID()}` };
    const first = await cancel(screening.id, host, key, { reason: 'rain' });
    const retry = await cancel(screening.id, host, key, { reason: 'rain' });
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expectProblem(
      await cancel(screening.id, host, key, { reason: 'snow' }),
      422,
      'idempotency_key_reused',
    );
  });
});

describe('authorization of the private screening routes', () => {
  it('POST /api/screenings: anonymous 401, another user 403 not_place_host, host 201', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const place = await placeOf(host);
    expectProblem(await schedule(undefined, body(place.id)), 401, 'unauthorized');
    expectProblem(await schedule(other, body(place.id)), 403, 'not_place_host');
    expect((await schedule(host, body(place.id))).statusCode).toBe(201);
  });

  it('POST /api/screenings/:id/cancel: anonymous 401, another user 403 not_screening_host, host 200', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const { screening } = await scheduled(host, (await placeOf(host)).id);
    expectProblem(await cancel(screening.id), 401, 'unauthorized');
    expectProblem(await cancel(screening.id, other), 403, 'not_screening_host');
    expect((await cancel(screening.id, host)).statusCode).toBe(200);
  });

  it('GET /api/screenings/:id/bookings: anonymous 401, another user 403, host 200', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const { screening, position } = await scheduled(host, (await placeOf(host)).id);
    const url = `/api/screenings/${screening.id}/bookings`;
    expectProblem(await get(url, undefined, position), 401, 'unauthorized');
    expectProblem(await get(url, other, position), 403, 'not_screening_host');
    const response = await get(url, host, position);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [], nextCursor: null });
  });
});
