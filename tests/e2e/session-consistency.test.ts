import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';

let t: TestApp;
let filmId: string;

beforeAll(async () => {
  t = await startTestApp();
  filmId = (await t.app.inject({ url: '/api/films?limit=1' })).json<{ items: { id: string }[] }>()
    .items[0]!.id;
});
afterAll(() => t?.close());

async function place(user: TestUser): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/places',
    headers: user.auth,
    payload: { name: 'Loft' },
  });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string }>().id;
}

async function screening(host: TestUser): Promise<string> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/screenings',
    headers: host.auth,
    payload: {
      placeId: await place(host),
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
