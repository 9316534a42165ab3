import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { BILLING_REACTOR } from '../../src/projections/reactors/billing-reactor.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { createScreening } from '../support/screenings.js';

interface Booking {
  id: string;
  screeningId: string;
  userId: string;
  status: string;
  seats: { row: number; number: number }[];
  quantity: number;
  amount: number;
  currency: string;
  expiresAt: string;
  createdAt: string;
  payment: { provider: string; paymentId: string; checkoutUrl?: string } | null;
}
type Seating = { capacity: number } | { seating: { rows: number; seatsPerRow: number } };

let t: TestApp;
let app: FastifyInstance;

beforeAll(async () => {
  t = await startTestApp();
  app = t.app;
});
afterAll(() => t?.close());

const at = (response: LightMyRequestResponse) => String(response.headers['x-position']);

const screening = async (host: TestUser, seating: Seating, amount = 1200) =>
  (await createScreening(t, host, { amount, seating, startsInDays: 7 })).id;

function book(user: TestUser | undefined, payload: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/bookings', headers: user?.auth, payload });
}

function get(url: string, user?: TestUser, position?: string) {
  const headers = { ...user?.auth, ...(position ? { 'x-min-position': position } : {}) };
  return app.inject({ url, headers });
}

/** The booking must be in the read model first: pass the position of its creation. */
function cancel(bookingId: string, user?: TestUser, position?: string) {
  const headers = { ...user?.auth, ...(position ? { 'x-min-position': position } : {}) };
  return app.inject({ method: 'POST', url: `/api/bookings/${bookingId}/cancel`, headers });
}

const assigned = { seating: { rows: 3, seatsPerRow: 4 } };

describe('POST /api/bookings', () => {
  it('holds assigned seats: 201 PENDING with its payment, readable at X-Position', async () => {
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const screeningId = await screening(host, assigned);
    const seats = [
      { row: 1, number: 1 },
      { row: 1, number: 2 },
    ];
    const response = await book(user, { screeningId, seats });
    expect(response.statusCode).toBe(201);
    const booking = response.json<Booking>();
    const now = t.clock.now().getTime();
    expect(booking).toEqual({
      id: expect.any(String),
      screeningId,
      userId: user.id,
      status: 'PENDING',
      seats,
      quantity: 2,
      amount: 2400,
      currency: 'EUR',
      expiresAt: new Date(now + 900_000).toISOString(),
      createdAt: new Date(now).toISOString(),
      payment: {
        provider: 'simulated',
        paymentId: `sim_pi_${screeningId}_${booking.id}`,
        checkoutUrl: `/api/billing/checkout/sim_pi_${screeningId}_${booking.id}`,
      },
    });
    expect(at(response)).not.toBe('undefined');
    const read = await get(`/api/bookings/${booking.id}`, user, at(response));
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual(booking);
    const hosted = await get(`/api/screenings/${screeningId}/bookings`, host, at(response));
    expect(hosted.json()).toEqual({ items: [booking], nextCursor: null });
  });

  it('answers Prefer: respond-async without the payment, which billing opens just after', async () => {
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const screeningId = await screening(host, { capacity: 5 });
    const response = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { ...user.auth, prefer: 'respond-async' },
      payload: { screeningId, quantity: 1 },
    });
    expect(response.statusCode).toBe(201);
    const booking = response.json<Booking>();
    expect(booking).toMatchObject({ status: 'PENDING', payment: null });
    const { db, store } = t.runtime;
    expect(await waitForPosition(db, store, [BILLING_REACTOR], at(response))).toBe(true);
    const head = (await store.headPosition()) ?? '';
    const read = await get(`/api/bookings/${booking.id}`, user, head);
    expect(read.json<Booking>().payment).toEqual({
      provider: 'simulated',
      paymentId: `sim_pi_${screeningId}_${booking.id}`,
      checkoutUrl: `/api/billing/checkout/sim_pi_${screeningId}_${booking.id}`,
    });
  });

  it('takes a quantity for general admission, and confirms a free screening at once', async () => {
    const [host, user] = [await registerUser(app, 'Host'), await registerUser(app)];
    const paid = await book(user, {
      screeningId: await screening(host, { capacity: 5 }),
      quantity: 3,
    });
    expect(paid.statusCode).toBe(201);
    expect(paid.json()).toMatchObject({ status: 'PENDING', seats: [], quantity: 3, amount: 3600 });
    const free = await book(user, { screeningId: await screening(host, { capacity: 5 }, 0) });
    expect(free.statusCode).toBe(201);
    expect(free.json()).toMatchObject({ status: 'CONFIRMED', quantity: 1, amount: 0 });
  });

  it('refuses bad input with 400 validation_failed and a missing token with 401', async () => {
    const user = await registerUser(app);
    const screeningId = await screening(await registerUser(app, 'Host'), assigned);
    for (const payload of [
      {},
      { screeningId: 'nope' },
      { screeningId, quantity: 0 },
      { screeningId, seats: [] },
      { screeningId, seats: [{ row: 1, number: 1 }], quantity: 1 },
    ]) {
      const response = await book(user, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(problemOf(response).code).toBe('validation_failed');
    }
    const anonymous = await book(undefined, { screeningId, seats: [{ row: 1, number: 1 }] });
    expect(anonymous.statusCode).toBe(401);
    expect(problemOf(anonymous).code).toBe('unauthorized');
  });

  it('answers every domain refusal with its code', async () => {
    const [host, user, rival] = [
      await registerUser(app, 'Host'),
      await registerUser(app, 'A'),
      await registerUser(app, 'B'),
    ];
    const seated = await screening(host, assigned);
    const general = await screening(host, { capacity: 2 });
    const tiny = await screening(host, { seating: { rows: 1, seatsPerRow: 1 } });
    expect(
      (await book(user, { screeningId: seated, seats: [{ row: 1, number: 1 }] })).statusCode,
    ).toBe(201);
    expect((await book(user, { screeningId: general, quantity: 2 })).statusCode).toBe(201);
    expect(
      (await book(user, { screeningId: tiny, seats: [{ row: 1, number: 1 }] })).statusCode,
    ).toBe(201);
    const eleven = Array.from({ length: 11 }, (_, i) => ({
      row: 1 + (i % 3),
      number: 1 + (i % 4),
    }));
    const cases: [Record<string, unknown>, number, string][] = [
      [{ screeningId: v7(), quantity: 1 }, 404, 'screening_not_found'],
      [
        {
          screeningId: seated,
          seats: [
            { row: 1, number: 2 },
            { row: 1, number: 1 },
          ],
        },
        409,
        'seats_unavailable',
      ],
      [{ screeningId: general, quantity: 1 }, 409, 'sold_out'],
      [{ screeningId: tiny, seats: [{ row: 1, number: 1 }] }, 409, 'sold_out'],
      [{ screeningId: seated, seats: [{ row: 9, number: 1 }] }, 422, 'invalid_seat'],
      [{ screeningId: general, seats: [{ row: 1, number: 1 }] }, 422, 'invalid_seat'],
      [{ screeningId: seated, seats: eleven }, 422, 'too_many_seats'],
      [
        { screeningId: await screening(host, { capacity: 50 }), quantity: 11 },
        422,
        'too_many_seats',
      ],
    ];
    for (const [payload, status, code] of cases) {
      const response = await book(rival, payload);
      expect(response.statusCode, code).toBe(status);
      expect(problemOf(response).code).toBe(code);
    }
    const taken = problemOf(
      await book(rival, { screeningId: seated, seats: [{ row: 1, number: 1 }] }),
    );
    expect(taken.detail).toContain('A1');
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/screenings/${seated}/cancel`,
      headers: host.auth,
      payload: {},
    });
    expect(cancelled.statusCode).toBe(200);
    const closed = await book(rival, { screeningId: seated, seats: [{ row: 2, number: 1 }] });
    expect(closed.statusCode).toBe(409);
    expect(problemOf(closed).code).toBe('screening_not_open');
  });
});

describe('reading and cancelling bookings', () => {
  it('shows a booking to its owner and the host only', async () => {
    const [host, owner, other] = [
      await registerUser(app, 'Host'),
      await registerUser(app, 'Owner'),
      await registerUser(app, 'Other'),
    ];
    const response = await book(owner, {
      screeningId: await screening(host, assigned),
      seats: [{ row: 2, number: 2 }],
    });
    const { id } = response.json<Booking>();
    const url = `/api/bookings/${id}`;
    expect((await get(url, owner, at(response))).statusCode).toBe(200);
    expect((await get(url, host)).json<Booking>().id).toBe(id);
    expect(problemOf(await get(url)).code).toBe('unauthorized');
    for (const missing of [await get(url, other), await get(`/api/bookings/${v7()}`, owner)]) {
      expect(missing.statusCode).toBe(404);
      expect(problemOf(missing).code).toBe('booking_not_found');
    }
  });

  it('lets only the owner cancel, frees the seat, and refuses a second cancel', async () => {
    const [host, owner, other] = [
      await registerUser(app, 'Host'),
      await registerUser(app, 'Owner'),
      await registerUser(app, 'Other'),
    ];
    const screeningId = await screening(host, assigned);
    const response = await book(owner, { screeningId, seats: [{ row: 3, number: 4 }] });
    const { id } = response.json<Booking>();
    const seatOf = async (position: string) => {
      const map = await get(`/api/screenings/${screeningId}/seats`, undefined, position);
      const seats = map.json<{
        available: number;
        seats: { row: number; number: number; status: string }[];
      }>();
      return {
        available: seats.available,
        status: seats.seats.find((s) => s.row === 3 && s.number === 4)?.status,
      };
    };
    expect(await seatOf(at(response))).toEqual({ available: 11, status: 'LOCKED' });
    expect(problemOf(await cancel(id)).code).toBe('unauthorized');
    for (const refused of [
      await cancel(id, other),
      await cancel(id, host),
      await cancel(v7(), owner),
    ]) {
      expect(refused.statusCode).toBe(404);
      expect(problemOf(refused).code).toBe('booking_not_found');
    }
    const cancelled = await cancel(id, owner);
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({
      id,
      status: 'CANCELLED',
      seats: [{ row: 3, number: 4 }],
    });
    expect(await seatOf(at(cancelled))).toEqual({ available: 12, status: 'AVAILABLE' });
    const screeningNow = await get(`/api/screenings/${screeningId}`, undefined, at(cancelled));
    expect(screeningNow.json()).toMatchObject({ capacity: 12, seatsAvailable: 12 });
    expect((await get(`/api/bookings/${id}`, owner)).json()).toMatchObject({ status: 'CANCELLED' });
    const again = await cancel(id, owner);
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('booking_not_cancellable');
  });

  it('cancels every booking when the host cancels the screening', async () => {
    const [host, owner] = [await registerUser(app, 'Host'), await registerUser(app)];
    const screeningId = await screening(host, { capacity: 10 });
    const { id } = (await book(owner, { screeningId, quantity: 2 })).json<Booking>();
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screeningId}/cancel`,
      headers: host.auth,
      payload: { reason: 'projector broke' },
    });
    expect(cancelled.statusCode).toBe(200);
    const read = await get(`/api/bookings/${id}`, owner, at(cancelled));
    expect(read.json()).toMatchObject({ id, status: 'CANCELLED' });
  });

  it("lists the caller's bookings newest first, by status, page by page", async () => {
    const [host, owner, other] = [
      await registerUser(app, 'Host'),
      await registerUser(app, 'Owner'),
      await registerUser(app, 'Other'),
    ];
    const screeningId = await screening(host, { capacity: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      t.clock.advance(1_000);
      ids.push((await book(owner, { screeningId, quantity: 1 })).json<Booking>().id);
    }
    const others = await book(other, { screeningId, quantity: 1 });
    const last = await cancel(ids[0]!, owner, at(others));
    expect(last.statusCode).toBe(200);
    const list = (query: string) => get(`/api/bookings/my${query}`, owner, at(last));
    const all = (await list('')).json<{ items: Booking[]; nextCursor: null }>();
    expect(all.items.map((b) => b.id)).toEqual([...ids].reverse());
    expect(all.nextCursor).toBeNull();
    const pending = (await list('?status=PENDING')).json<{ items: Booking[] }>();
    expect(pending.items.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const first = (await list('?limit=2')).json<{ items: Booking[]; nextCursor: string }>();
    expect(first.items.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const second = (await list(`?limit=2&cursor=${first.nextCursor}`)).json<{
      items: Booking[];
      nextCursor: null;
    }>();
    expect(second).toMatchObject({
      items: [{ id: ids[0], status: 'CANCELLED' }],
      nextCursor: null,
    });
    expect(problemOf(await get('/api/bookings/my')).code).toBe('unauthorized');
    expect(problemOf(await list('?cursor=bm9wZQ')).code).toBe('invalid_cursor');
    expect(problemOf(await list('?status=LOST')).code).toBe('validation_failed');
  });

  it('replays a POST /api/bookings retried with the same Idempotency-Key', async () => {
    const user = await registerUser(app);
    const screeningId = await screening(await registerUser(app, 'Host'), { capacity: 3 });
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: { ...user.auth, 'idempotency-key': `book-${screeningId}` },
        payload: { screeningId, quantity: 2 },
      });
    const [first, retry] = [await send(), await send()];
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.json<Booking>().id).toBe(first.json<Booking>().id);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });
});

describe('a retry after a failed answer, with the same Idempotency-Key', () => {
  it('decides again on the same booking id instead of booking twice', async () => {
    const host = await registerUser(app, 'Host');
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(host, { capacity: 5 }, 0);
    const headers = { ...viewer.auth, 'idempotency-key': `retry-${v7()}` };
    const payload = { screeningId, quantity: 2 };
    const first = await app.inject({ method: 'POST', url: '/api/bookings', headers, payload });
    expect(first.statusCode).toBe(201);
    // As if the first answer had been a 5xx: the stored response is gone, the booking is not.
    await t.runtime.db.deleteFrom('idempotency_keys').execute();
    const retry = await app.inject({ method: 'POST', url: '/api/bookings', headers, payload });
    expect(retry.statusCode).toBe(201);
    expect(retry.json<Booking>().id).toBe(first.json<Booking>().id);

    const mine = await get('/api/bookings/my', viewer, at(retry));
    expect(mine.json<{ items: Booking[] }>().items).toHaveLength(1);
    const seats = await get(`/api/screenings/${screeningId}`, undefined, at(retry));
    expect(seats.json<{ seatsAvailable: number }>().seatsAvailable).toBe(3);
  });
});
