import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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
const film = catalogue[0]!;

interface Place {
  id: string;
  hostId: string;
  name: string;
  address: string | null;
  description: string | null;
  createdAt: string;
}

async function createPlace(user: TestUser, payload: Record<string, unknown> = { name: 'Attic' }) {
  const response = await app.inject({
    method: 'POST',
    url: '/api/places',
    headers: user.auth,
    payload,
  });
  expect(response.statusCode).toBe(201);
  return { place: response.json<Place>(), position: String(response.headers['x-position']) };
}

function getPlace(id: string, position?: string, user?: TestUser) {
  const headers = { ...(position ? { 'x-min-position': position } : {}), ...user?.auth };
  return app.inject({ method: 'GET', url: `/api/places/${id}`, headers });
}

function myPlaces(user: TestUser | undefined, query = '', position?: string) {
  const headers = { ...(position ? { 'x-min-position': position } : {}), ...user?.auth };
  return app.inject({ method: 'GET', url: `/api/places/my${query}`, headers });
}

function deletePlace(id: string, user?: TestUser) {
  return app.inject({ method: 'DELETE', url: `/api/places/${id}`, headers: { ...user?.auth } });
}

async function scheduleAt(user: TestUser, placeId: string) {
  const startsAt = new Date(test.clock.now().getTime() + 24 * 3600_000).toISOString();
  const response = await app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: user.auth,
    payload: {
      placeId,
      filmId: film.id,
      startsAt,
      capacity: 10,
      price: { amount: 0, currency: 'EUR' },
    },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

describe('POST /api/places', () => {
  it('creates a place of the caller and answers 201 with the place and X-Position', async () => {
    const host = await registerUser(app, 'Host');
    const response = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: {
        name: 'Rooftop',
        address: '1 Main St',
        description: 'Bring a blanket',
        timeZone: 'Europe/Lisbon',
      },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-position']).toEqual(expect.any(String));
    const place = response.json<Place>();
    expect(place).toEqual({
      id: expect.stringMatching(UUID),
      hostId: host.id,
      name: 'Rooftop',
      address: '1 Main St',
      description: 'Bring a blanket',
      timeZone: 'Europe/Lisbon',
      createdAt: test.clock.now().toISOString(),
    });
    const read = await getPlace(place.id, String(response.headers['x-position']));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(place);
  });

  it('leaves address and description null when they are not sent', async () => {
    const host = await registerUser(app, 'Host');
    const { place } = await createPlace(host, { name: 'Garage' });
    expect(place).toMatchObject({ name: 'Garage', address: null, description: null });
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['an address over 500 characters', { name: 'A', address: 'x'.repeat(501) }],
    ['a description over 2000 characters', { name: 'A', description: 'x'.repeat(2001) }],
    ['a name that is not a string', { name: 42 }],
  ])('refuses %s with 400 validation_failed', async (_, payload) => {
    const host = await registerUser(app, 'Host');
    const response = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('validation_failed');
  });

  it('accepts the longest name, address and description', async () => {
    const host = await registerUser(app, 'Host');
    const payload = {
      name: 'n'.repeat(200),
      address: 'a'.repeat(500),
      description: 'd'.repeat(2000),
    };
    const { place } = await createPlace(host, payload);
    expect(place).toMatchObject(payload);
  });

  it('refuses text with a NUL character as 400 validation_failed, not a 500', async () => {
    const host = await registerUser(app, 'Host');
    const response = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: { name: 'Attic\u0000' },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('validation_failed');
  });

  it('answers a retry with the same Idempotency-Key and body with the first response', async () => {
    const host = await registerUser(app, 'Host');
    const key = `key-${randomUUID()}`;
    const headers = { ...host.auth, 'idempotency-key': key };
    const first = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers,
      payload: { name: 'Den' },
    });
    const retry = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers,
      payload: { name: 'Den' },
    });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json<Place>().id).toBe(first.json<Place>().id);
    expect(retry.headers['x-position']).toBe(first.headers['x-position']);
    const other = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers,
      payload: { name: 'Lair' },
    });
    expect(other.statusCode).toBe(422);
    expect(problemOf(other).code).toBe('idempotency_key_reused');
    // Without a key, two identical requests are two places.
    const a = await createPlace(host, { name: 'Twin' });
    const b = await createPlace(host, { name: 'Twin' });
    expect(a.place.id).not.toBe(b.place.id);
  });
});

describe('GET /api/places/:placeId', () => {
  it('answers 404 place_not_found for a place that never existed', async () => {
    const response = await getPlace(randomUUID());
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe('place_not_found');
  });

  it('answers 400 validation_failed for an id that is not a UUID', async () => {
    const response = await getPlace('not-a-uuid');
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('validation_failed');
  });

  it('is public: anyone may read a place', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const { place, position } = await createPlace(host);
    expect((await getPlace(place.id, position)).json()).toEqual(place);
    expect((await getPlace(place.id, position, other)).json()).toEqual(place);
  });
});

describe('GET /api/places/my', () => {
  it("lists only the caller's places, newest first, paging without duplicates", async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    await createPlace(other, { name: 'Not mine' });
    const created: Place[] = [];
    let position = '';
    for (const name of ['P1', 'P2', 'P3', 'P4', 'P5']) {
      test.clock.advance(1000);
      const result = await createPlace(host, { name });
      created.push(result.place);
      position = result.position;
    }
    const seen: Place[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const response = await myPlaces(host, query, position);
      expect(response.statusCode).toBe(200);
      const page = response.json<{ items: Place[]; nextCursor: string | null }>();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it('answers the default page with an empty list for a user without places', async () => {
    const user = await registerUser(app, 'Nobody');
    const response = await myPlaces(user);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ items: [], nextCursor: null });
  });

  it('leaves deleted places out', async () => {
    const host = await registerUser(app, 'Host');
    const { place: kept } = await createPlace(host, { name: 'Kept' });
    const { place: gone } = await createPlace(host, { name: 'Gone' });
    const deleted = await deletePlace(gone.id, host);
    expect(deleted.statusCode).toBe(204);
    const response = await myPlaces(host, '', String(deleted.headers['x-position']));
    expect(response.json<{ items: Place[] }>().items).toEqual([kept]);
  });

  it.each([
    ['limit=0', 'validation_failed'],
    ['limit=101', 'validation_failed'],
    ['cursor=garbage', 'invalid_cursor'],
  ])('refuses %s with 400 %s', async (query, code) => {
    const user = await registerUser(app, 'Host');
    const response = await myPlaces(user, `?${query}`);
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe(code);
  });
});

describe('DELETE /api/places/:placeId', () => {
  it('deletes the place: 204 with X-Position, then 404 place_not_found', async () => {
    const host = await registerUser(app, 'Host');
    const { place } = await createPlace(host);
    const response = await deletePlace(place.id, host);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['x-position']).toEqual(expect.any(String));
    const read = await getPlace(place.id, String(response.headers['x-position']));
    expect(read.statusCode).toBe(404);
    expect(problemOf(read).code).toBe('place_not_found');
    const again = await deletePlace(place.id, host);
    expect(again.statusCode).toBe(404);
    expect(problemOf(again).code).toBe('place_not_found');
  });

  it('answers 404 place_not_found for a place that never existed, even to a stranger', async () => {
    const user = await registerUser(app, 'Host');
    const response = await deletePlace(randomUUID(), user);
    expect(response.statusCode).toBe(404);
    expect(problemOf(response).code).toBe('place_not_found');
  });

  it('answers 409 place_has_scheduled_screenings until they are cancelled', async () => {
    const host = await registerUser(app, 'Host');
    const { place } = await createPlace(host);
    const screeningId = await scheduleAt(host, place.id);
    const refused = await deletePlace(place.id, host);
    expect(refused.statusCode).toBe(409);
    expect(problemOf(refused).code).toBe('place_has_scheduled_screenings');
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screeningId}/cancel`,
      headers: host.auth,
      payload: {},
    });
    expect(cancel.statusCode).toBe(200);
    expect((await deletePlace(place.id, host)).statusCode).toBe(204);
  });

  it('allows deleting once the scheduled screenings have started', async () => {
    const host = await registerUser(app, 'Host');
    const { place } = await createPlace(host);
    await scheduleAt(host, place.id);
    test.clock.advance(25 * 3600_000);
    expect((await deletePlace(place.id, host)).statusCode).toBe(204);
  });
});

describe('authorization of the private place routes', () => {
  it('POST /api/places: anonymous 401, signed in 201', async () => {
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/places',
      payload: { name: 'X' },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: { authorization: 'Bearer nope' },
      payload: { name: 'X' },
    });
    expect(bad.statusCode).toBe(401);
    expect(problemOf(bad).code).toBe('unauthorized');
  });

  it('GET /api/places/my: anonymous 401, another user sees only their own, host sees theirs', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const { place, position } = await createPlace(host);
    const anonymous = await myPlaces(undefined);
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
    expect((await myPlaces(other, '', position)).json()).toEqual({ items: [], nextCursor: null });
    expect((await myPlaces(host, '', position)).json()).toEqual({
      items: [place],
      nextCursor: null,
    });
  });

  it('DELETE /api/places/:placeId: anonymous 401, another user 403 not_place_host, host 204', async () => {
    const host = await registerUser(app, 'Host');
    const other = await registerUser(app, 'Other');
    const { place } = await createPlace(host);
    const anonymous = await deletePlace(place.id);
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
    const stranger = await deletePlace(place.id, other);
    expect(stranger.statusCode).toBe(403);
    expect(problemOf(stranger).code).toBe('not_place_host');
    expect((await deletePlace(place.id, host)).statusCode).toBe(204);
  });
});
