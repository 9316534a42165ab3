import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { databaseUrl } from '../support/postgres.js';

const redisUrl = process.env.REDIS_URL;

let t: TestApp;
let filmId: string;

beforeAll(async () => {
  t = await startTestApp();
  filmId = (await t.app.inject({ url: '/api/films?limit=1' })).json<{ items: { id: string }[] }>()
    .items[0]!.id;
});
afterAll(() => t?.close());

async function place(user: TestUser, app = t.app): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/places',
    headers: user.auth,
    payload: { name: 'Loft' },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

async function screening(host: TestUser, app = t.app): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: host.auth,
    payload: {
      placeId: await place(host, app),
      filmId,
      startsAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      price: { amount: 0, currency: 'EUR' },
      capacity: 20,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ id: string }>().id;
}

// No X-Min-Position anywhere: the server remembers each user's last write position.
describe('session consistency without headers', () => {
  it('book then cancel at once: the cancel finds the booking, every time', async () => {
    const host = await registerUser(t.app, 'Host');
    const viewer = await registerUser(t.app, 'Viewer');
    const screeningId = await screening(host);
    for (let round = 0; round < 6; round++) {
      const booked = await t.app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: viewer.auth,
        payload: { screeningId, quantity: 1 },
      });
      expect(booked.statusCode, booked.body).toBe(201);
      const cancelled = await t.app.inject({
        method: 'POST',
        url: `/api/bookings/${booked.json<{ id: string }>().id}/cancel`,
        headers: viewer.auth,
      });
      expect(cancelled.statusCode).toBe(200);
    }
  });

  it('delete a place then read it at once: 404', async () => {
    const host = await registerUser(t.app, 'Host');
    for (let round = 0; round < 6; round++) {
      const placeId = await place(host);
      const deleted = await t.app.inject({
        method: 'DELETE',
        url: `/api/places/${placeId}`,
        headers: host.auth,
      });
      expect(deleted.statusCode).toBeLessThan(300);
      const read = await t.app.inject({ url: `/api/places/${placeId}`, headers: host.auth });
      expect(read.statusCode).toBe(404);
    }
  });
});

describe('X-Min-Position', () => {
  it('past the event store head: 400 invalid_position at once, not a wait', async () => {
    const response = await t.app.inject({
      url: '/api/films?limit=1',
      headers: { 'x-min-position': '999999999-999999999' },
    });
    expect(response.statusCode).toBe(400);
    expect(problemOf(response).code).toBe('invalid_position');
  });

  it('is for reads: a command ignores it', async () => {
    const host = await registerUser(t.app, 'Host');
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/places',
      headers: { ...host.auth, 'x-min-position': '999999999-999999999' },
      payload: { name: 'Loft' },
    });
    expect(response.statusCode).toBe(201);
  });
});

describe.skipIf(!databaseUrl)('two API nodes on one database', () => {
  it.skipIf(!redisUrl)('through Redis: a delete on one node is a 404 on the other', async () => {
    const first = await startTestApp({ REDIS_URL: redisUrl ?? '' }, { shareDatabaseWith: t });
    const second = await startTestApp({ REDIS_URL: redisUrl ?? '' }, { shareDatabaseWith: t });
    try {
      const host = await registerUser(first.app, 'Host');
      for (let round = 0; round < 6; round++) {
        const placeId = await place(host, first.app);
        const deleted = await first.app.inject({
          method: 'DELETE',
          url: `/api/places/${placeId}`,
          headers: host.auth,
        });
        expect(deleted.statusCode).toBe(204);
        const read = await second.app.inject({ url: `/api/places/${placeId}`, headers: host.auth });
        expect(read.statusCode).toBe(404);
      }
    } finally {
      await second.close();
      await first.close();
    }
  });

  it('without Redis: a cancel on the other node waits for the booking it misses', async () => {
    const second = await startTestApp({}, { shareDatabaseWith: t });
    try {
      const host = await registerUser(t.app, 'Host');
      const viewer = await registerUser(t.app, 'Viewer');
      const screeningId = await screening(host);
      for (let round = 0; round < 6; round++) {
        const booked = await t.app.inject({
          method: 'POST',
          url: '/api/bookings',
          headers: viewer.auth,
          payload: { screeningId, quantity: 1 },
        });
        expect(booked.statusCode, booked.body).toBe(201);
        const cancelled = await second.app.inject({
          method: 'POST',
          url: `/api/bookings/${booked.json<{ id: string }>().id}/cancel`,
          headers: viewer.auth,
        });
        expect(cancelled.statusCode, cancelled.body).toBe(200);
      }
      const unknown = await second.app.inject({
        method: 'POST',
        url: '/api/bookings/00000000-0000-4000-8000-000000000000/cancel',
        headers: viewer.auth,
      });
      expect(problemOf(unknown).code).toBe('booking_not_found');
    } finally {
      await second.close();
    }
  });
});
