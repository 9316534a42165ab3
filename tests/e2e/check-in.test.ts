import type { FastifyInstance } from 'fastify';
import { v7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketCodes } from '../../src/tickets/ticket-codes.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { databaseUrl } from '../support/postgres.js';
import { createBooking, createScreening } from '../support/screenings.js';

const TICKET_KEYS = 'door1:door-secret-door-secret';
const codes = new TicketCodes([{ id: 'door1', secret: 'door-secret-door-secret' }]);

interface CheckIn {
  booking: { id: string; status: string; userId: string };
  seats: { row: number; number: number }[];
  quantity: number;
  holder: { userId: string; displayName: string };
  checkedInAt: string;
}

let t: TestApp;
let app: FastifyInstance;
let host: TestUser;

beforeAll(async () => {
  t = await startTestApp({ TICKET_KEYS });
  app = t.app;
  host = await registerUser(app, 'Host');
});
afterAll(() => t?.close());

const screening = async (
  server: FastifyInstance,
  by: TestUser,
  amount = 0,
  seating: Record<string, unknown> = { capacity: 200 },
) => (await createScreening({ app: server, clock: t.clock }, by, { amount, seating })).id;

const book = (
  server: FastifyInstance,
  user: TestUser,
  screeningId: string,
  choice: Record<string, unknown> = { quantity: 2 },
) => createBooking(server, user, screeningId, choice);

function scan(server: FastifyInstance, by: TestUser, screeningId: string, code: string) {
  return server.inject({
    method: 'POST',
    url: `/api/screenings/${screeningId}/check-in`,
    headers: by.auth,
    payload: { code },
  });
}

describe('check-in at the door', () => {
  it('admits a valid ticket once, then answers 409 with the first time', async () => {
    const viewer = await registerUser(app, 'Ada Lovelace');
    const screeningId = await screening(app, host);
    const booking = await book(app, viewer, screeningId);
    expect(booking.status).toBe('CONFIRMED');
    const code = codes.sign(booking.id);

    const first = await scan(app, host, screeningId, code);
    expect(first.statusCode).toBe(200);
    const admitted = first.json<CheckIn>();
    expect(admitted).toMatchObject({
      booking: { id: booking.id, status: 'CONFIRMED', userId: viewer.id },
      seats: [],
      quantity: 2,
      holder: { userId: viewer.id, displayName: 'Ada Lovelace' },
    });
    expect(admitted.checkedInAt).toBe(t.clock.now().toISOString());

    t.clock.advance(90_000);
    const again = await scan(app, host, screeningId, code);
    expect(again.statusCode).toBe(409);
    expect(problemOf(again).code).toBe('already_checked_in');
    expect(again.json()).toMatchObject({
      checkedInAt: admitted.checkedInAt,
      bookingId: booking.id,
    });
  });

  it('answers 404 for a forged or altered code, and for a ticket of another screening', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(app, host);
    const other = await screening(app, host);
    const booking = await book(app, viewer, other);
    const genuine = codes.sign(booking.id);
    const altered = `${genuine.slice(0, 10)}${genuine[10] === 'A' ? 'B' : 'A'}${genuine.slice(11)}`;
    const foreignKey = new TicketCodes([{ id: 'door1', secret: 'not-the-door-secret' }]);
    for (const code of [altered, foreignKey.sign(booking.id), codes.sign(v7()), 'hello', genuine]) {
      const response = await scan(app, host, screeningId, code);
      expect(response.statusCode, code).toBe(404);
      expect(problemOf(response).code).toBe('ticket_not_found');
    }
    // The genuine code still admits at its own screening.
    expect((await scan(app, host, other, genuine)).statusCode).toBe(200);
  });

  it('answers 403 to anyone but the host, before looking at the code', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const screeningId = await screening(app, host);
    const booking = await book(app, viewer, screeningId);
    for (const code of [codes.sign(booking.id), 'forged']) {
      const response = await scan(app, viewer, screeningId, code);
      expect(response.statusCode).toBe(403);
      expect(problemOf(response).code).toBe('not_screening_host');
    }
    const list = await app.inject({
      url: `/api/screenings/${screeningId}/check-ins`,
      headers: viewer.auth,
    });
    expect(list.statusCode).toBe(403);
    // Nobody got in.
    expect((await scan(app, host, screeningId, codes.sign(booking.id))).statusCode).toBe(200);
  });

  it('answers 409 booking_not_confirmed for an unpaid booking, 404 for an unknown screening', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const paid = await screening(app, host, 1500);
    const pending = await book(app, viewer, paid);
    expect(pending.status).toBe('PENDING');
    const response = await scan(app, host, paid, codes.sign(pending.id));
    expect(response.statusCode).toBe(409);
    expect(problemOf(response).code).toBe('booking_not_confirmed');

    const missing = await scan(app, host, v7(), codes.sign(pending.id));
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).code).toBe('screening_not_found');

    const empty = await scan(app, host, paid, '');
    expect(empty.statusCode).toBe(400);
    expect(problemOf(empty).code).toBe('validation_failed');
  });

  it('gives the host counts and the list of who came in, in order', async () => {
    const ada = await registerUser(app, 'Ada');
    const bob = await registerUser(app, 'Bob');
    const cy = await registerUser(app, 'Cy');
    const screeningId = await screening(app, host, 0, { seating: { rows: 2, seatsPerRow: 5 } });
    const a = await book(app, ada, screeningId, { seats: [{ row: 1, number: 1 }] });
    const b = await book(app, bob, screeningId, {
      seats: [
        { row: 2, number: 1 },
        { row: 2, number: 2 },
      ],
    });
    await book(app, cy, screeningId, { seats: [{ row: 1, number: 5 }] });

    t.clock.advance(1000);
    expect((await scan(app, host, screeningId, codes.sign(b.id))).statusCode).toBe(200);
    t.clock.advance(1000);
    expect((await scan(app, host, screeningId, codes.sign(a.id))).statusCode).toBe(200);

    const response = await app.inject({
      url: `/api/screenings/${screeningId}/check-ins`,
      headers: host.auth,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json<{
      expected: { bookings: number; places: number };
      checkedIn: { bookings: number; places: number };
      items: { bookingId: string; holder: { displayName: string }; seats: unknown[] }[];
    }>();
    expect(body.expected).toEqual({ bookings: 3, places: 4 });
    expect(body.checkedIn).toEqual({ bookings: 2, places: 3 });
    expect(body.items.map((i) => [i.bookingId, i.holder.displayName, i.seats.length])).toEqual([
      [b.id, 'Bob', 2],
      [a.id, 'Ada', 1],
    ]);
  });
});

describe.skipIf(!databaseUrl)('check-in races on PostgreSQL', () => {
  it('admits a ticket scanned 100 times at once on two API nodes exactly once', async () => {
    const second = await startTestApp({ TICKET_KEYS }, { shareDatabaseWith: t });
    try {
      const viewer = await registerUser(app, 'Viewer');
      const screeningId = await screening(app, host);
      const booking = await book(app, viewer, screeningId);
      const code = codes.sign(booking.id);
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          scan(i % 2 ? second.app : app, host, screeningId, code),
        ),
      );
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(99);
      const winner = responses.find((r) => r.statusCode === 200)!.json<CheckIn>();
      for (const loser of responses.filter((r) => r.statusCode === 409)) {
        expect(loser.json()).toMatchObject({
          code: 'already_checked_in',
          checkedInAt: winner.checkedInAt,
        });
      }
      const { events } = await t.runtime.store.read(`screening-${screeningId}`);
      expect(events.filter((e) => e.type === 'TicketCheckedIn')).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
