import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketCodes } from '../../src/tickets/ticket-codes.js';
import {
  problemOf,
  registerUser,
  startTestApp,
  type TestApp,
  type TestUser,
} from '../support/app.js';
import { createBooking, createScreening } from '../support/screenings.js';

const codes = new TicketCodes([{ id: 'box', secret: 'box-office-secret-42' }]);

interface Ticket {
  bookingId: string;
  code: string;
  qr: string;
  seats: { row: number; number: number }[];
  quantity: number;
  holder: { userId: string; displayName: string };
  screening: { id: string; startsAt: string; film: { title: string }; place: { name: string } };
  timeZone: string;
}

let t: TestApp;
let app: FastifyInstance;
let host: TestUser;

beforeAll(async () => {
  t = await startTestApp({
    TICKET_KEYS: 'box:box-office-secret-42',
    DEFAULT_TIME_ZONE: 'Europe/Paris',
  });
  app = t.app;
  host = await registerUser(app, 'Host');
});
afterAll(() => t?.close());

const screening = async (amount: number, timeZone?: string) =>
  (
    await createScreening(t, host, {
      placeName: 'Le Grand Rex',
      amount,
      ...(timeZone ? { timeZone } : {}),
      seating: { seating: { rows: 3, seatsPerRow: 4 } },
    })
  ).id;

const book = (user: TestUser, screeningId: string) =>
  createBooking(app, user, screeningId, {
    seats: [
      { row: 2, number: 3 },
      { row: 2, number: 4 },
    ],
  });

function ticket(user: TestUser, bookingId: string, position: string, accept?: string) {
  return app.inject({
    url: `/api/bookings/${bookingId}/ticket`,
    headers: { ...user.auth, 'x-min-position': position, ...(accept ? { accept } : {}) },
  });
}

describe('tickets', () => {
  it("shows times in the place's own time zone, else the default; refuses an unknown zone", async () => {
    const viewer = await registerUser(app, 'Viewer');
    const booking = await book(viewer, await screening(0, 'Asia/Tokyo'));
    const response = await ticket(viewer, booking.id, booking.position);
    expect(response.json<Ticket>().timeZone).toBe('Asia/Tokyo');
    const bad = await app.inject({
      method: 'POST',
      url: '/api/places',
      headers: host.auth,
      payload: { name: 'Nowhere', timeZone: 'Mars/Olympus_Mons' },
    });
    expect(bad.statusCode).toBe(400);
    expect(problemOf(bad).code).toBe('validation_failed');
  });

  it('gives the owner of a confirmed booking a signed code and its QR code', async () => {
    const viewer = await registerUser(app, 'Grace Hopper');
    const screeningId = await screening(0);
    const booking = await book(viewer, screeningId);
    const response = await ticket(viewer, booking.id, booking.position);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    const body = response.json<Ticket>();
    expect(codes.verify(body.code)).toBe(booking.id);
    expect(body).toMatchObject({
      bookingId: booking.id,
      seats: [
        { row: 2, number: 3 },
        { row: 2, number: 4 },
      ],
      quantity: 2,
      holder: { userId: viewer.id, displayName: 'Grace Hopper' },
      screening: { id: screeningId, place: { name: 'Le Grand Rex' } },
      timeZone: 'Europe/Paris',
    });
    expect(body.qr).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>.*<\/svg>\s*$/s);
    // The code reveals nothing but the booking: no user, screening or seat in clear or base64.
    for (const secret of [viewer.id, screeningId, 'Grace']) {
      expect(body.code).not.toContain(secret);
      expect(Buffer.from(body.code.split('.')[2]!, 'base64url').toString('latin1')).not.toContain(
        secret,
      );
    }

    // The same code admits the holder at the door.
    const door = await app.inject({
      method: 'POST',
      url: `/api/screenings/${screeningId}/check-in`,
      headers: host.auth,
      payload: { code: body.code },
    });
    expect(door.statusCode).toBe(200);
  });

  it('prints the ticket as a PDF when asked for one', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const booking = await book(viewer, await screening(0));
    const response = await ticket(viewer, booking.id, booking.position, 'application/pdf');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pdf = response.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
    expect(pdf.length).toBeGreaterThan(2000);
    // JSON when JSON comes first.
    const json = await ticket(
      viewer,
      booking.id,
      booking.position,
      'application/json, application/pdf',
    );
    expect(json.headers['content-type']).toMatch(/^application\/json/);
  });

  it('is 404 for anyone but the owner and 409 until the booking is confirmed', async () => {
    const viewer = await registerUser(app, 'Viewer');
    const stranger = await registerUser(app, 'Stranger');
    const paid = await book(viewer, await screening(1500));
    const pending = await ticket(viewer, paid.id, paid.position);
    expect(pending.statusCode).toBe(409);
    expect(problemOf(pending).code).toBe('booking_not_confirmed');
    for (const user of [stranger, host]) {
      const response = await ticket(user, paid.id, paid.position);
      expect(response.statusCode).toBe(404);
      expect(problemOf(response).code).toBe('booking_not_found');
    }
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/bookings/${paid.id}/cancel`,
      headers: viewer.auth,
    });
    expect(cancel.statusCode).toBe(200);
    const cancelled = await ticket(viewer, paid.id, String(cancel.headers['x-position']));
    expect(cancelled.statusCode).toBe(409);
  });
});
