import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandContext } from '../../src/commands/command-context.js';
import { HoldExpiryScheduler } from '../../src/projections/reactors/hold-expiry.js';
import { registerUser, startTestApp, type TestApp, type TestUser } from '../support/app.js';
import { createScreening } from '../support/screenings.js';

interface Booking {
  id: string;
  screeningId: string;
  status: string;
  expiresAt: string;
}
type Seat = { row: number; number: number };

const MINUTE = 60_000;
const QUIET = { EXPIRY_POLL_MS: '3600000' }; // the scheduler ticks at start, then only by hand

const screening = async (t: TestApp, host: TestUser, amount = 1200) =>
  (
    await createScreening(t, host, {
      amount,
      seating: { seating: { rows: 2, seatsPerRow: 2 } },
      startsInDays: 7,
    })
  ).id;

/** Books one seat and waits until the read model has the booking. */
async function book(t: TestApp, user: TestUser, screeningId: string, seat: Seat): Promise<Booking> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/bookings',
    headers: user.auth,
    payload: { screeningId, seats: [seat] },
  });
  expect(response.statusCode).toBe(201);
  const position = String(response.headers['x-position']);
  const read = await t.app.inject({
    url: `/api/bookings/${response.json<Booking>().id}`,
    headers: { ...user.auth, 'x-min-position': position },
  });
  expect(read.statusCode).toBe(200);
  return read.json<Booking>();
}

async function statusOf(t: TestApp, user: TestUser, bookingId: string): Promise<string> {
  const response = await t.app.inject({ url: `/api/bookings/${bookingId}`, headers: user.auth });
  return response.json<Booking>().status;
}

/** Polls the booking until it has `status`; fails after 5 s. */
async function waitForStatus(t: TestApp, user: TestUser, bookingId: string, status: string) {
  const deadline = Date.now() + 5_000;
  while ((await statusOf(t, user, bookingId)) !== status) {
    if (Date.now() > deadline) throw new Error(`booking ${bookingId} never became ${status}`);
    await sleep(20);
  }
}

async function expiredEvents(t: TestApp, screeningId: string): Promise<string[]> {
  const streamId = t.runtime.commands.screenings.streamId(screeningId);
  const { events } = await t.runtime.store.read(streamId);
  return events
    .filter((event) => event.type === 'BookingExpired')
    .map((event) => String(event.data.bookingId));
}

const pastExpiry = (t: TestApp, booking: Booking) =>
  t.clock.set(new Date(new Date(booking.expiresAt).getTime() + 1_000));

describe('the running scheduler', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ EXPIRY_POLL_MS: '50' });
  });
  afterAll(() => t?.close());

  it('expires a due hold: EXPIRED, the seat AVAILABLE and bookable by someone else', async () => {
    const [host, user, other] = [
      await registerUser(t.app, 'Host'),
      await registerUser(t.app),
      await registerUser(t.app, 'Other'),
    ];
    const screeningId = await screening(t, host);
    const held = await book(t, user, screeningId, { row: 1, number: 1 });
    expect(held.status).toBe('PENDING');
    expect(held.expiresAt).toBe(new Date(t.clock.now().getTime() + 15 * MINUTE).toISOString());
    const seatsAvailable = async () =>
      (await t.app.inject({ url: `/api/screenings/${screeningId}` })).json<{
        seatsAvailable: number;
      }>().seatsAvailable;
    expect(await seatsAvailable()).toBe(3);

    pastExpiry(t, held);
    await waitForStatus(t, user, held.id, 'EXPIRED');

    const map = await t.app.inject({ url: `/api/screenings/${screeningId}/seats` });
    expect(map.json()).toMatchObject({ available: 4 });
    expect(map.json<{ seats: (Seat & { status: string })[] }>().seats).toContainEqual({
      row: 1,
      number: 1,
      status: 'AVAILABLE',
    });
    expect(await seatsAvailable()).toBe(4);
    const again = await book(t, other, screeningId, { row: 1, number: 1 });
    expect(again.status).toBe('PENDING');
    expect(await expiredEvents(t, screeningId)).toEqual([held.id]);
  });

  it('never expires a confirmed booking (a free screening confirms at once)', async () => {
    const [host, user] = [await registerUser(t.app, 'Host'), await registerUser(t.app)];
    const freeScreening = await screening(t, host, 0);
    const free = await book(t, user, freeScreening, { row: 2, number: 2 });
    expect(free.status).toBe('CONFIRMED');
    const paid = await book(t, user, await screening(t, host), { row: 2, number: 2 });

    // The paid hold ends after the free booking's expiresAt: once it is expired, a tick has
    // gone over the free booking too.
    pastExpiry(t, paid);
    await waitForStatus(t, user, paid.id, 'EXPIRED');
    expect(await statusOf(t, user, free.id)).toBe('CONFIRMED');
    expect(await expiredEvents(t, freeScreening)).toEqual([]);
  });
});

describe('tick()', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(QUIET);
  });
  afterAll(() => t?.close());

  it('leaves a hold whose time has not come PENDING, and expires it once due', async () => {
    const [host, user] = [await registerUser(t.app, 'Host'), await registerUser(t.app)];
    const screeningId = await screening(t, host);
    const held = await book(t, user, screeningId, { row: 1, number: 2 });
    const scheduler = t.app.holdExpiry!;

    t.clock.advance(14 * MINUTE);
    expect(await scheduler.tick()).toBe(0);
    expect(await expiredEvents(t, screeningId)).toEqual([]);
    expect(await statusOf(t, user, held.id)).toBe('PENDING');

    t.clock.advance(MINUTE);
    expect(await scheduler.tick()).toBe(1);
    expect(await expiredEvents(t, screeningId)).toEqual([held.id]);
    await waitForStatus(t, user, held.id, 'EXPIRED');
    expect(await scheduler.tick()).toBe(0);
  });

  it('two schedulers ticking at once expire each hold exactly once', async () => {
    const [host, user] = [await registerUser(t.app, 'Host'), await registerUser(t.app)];
    const screenings = [await screening(t, host), await screening(t, host)];
    const holds: Booking[] = [];
    for (const screeningId of screenings) {
      for (const number of [1, 2]) holds.push(await book(t, user, screeningId, { row: 1, number }));
    }
    // Two nodes: each has its own command handlers (and caches) on the same store; no lock.
    const node = () =>
      new HoldExpiryScheduler({
        db: t.runtime.db,
        commands: createCommandContext(t.runtime.store, { now: t.clock.now }),
        pollMs: 1_000,
        log: t.app.log,
        exclusive: false,
      });
    pastExpiry(t, holds.at(-1)!);

    const counts = await Promise.all([node().tick(), node().tick(), t.app.holdExpiry!.tick()]);
    expect(counts.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(holds.length);
    for (const screeningId of screenings) {
      const ids = holds.filter((h) => h.screeningId === screeningId).map((h) => h.id);
      expect((await expiredEvents(t, screeningId)).toSorted()).toEqual(ids.toSorted());
    }
    for (const hold of holds) await waitForStatus(t, user, hold.id, 'EXPIRED');
  });
});

describe('restart', () => {
  let restarted: TestApp | undefined;
  afterAll(async () => restarted?.close());

  it('expires on start a hold that fell due while the app was down', async () => {
    const first = await startTestApp(QUIET);
    const [host, user] = [await registerUser(first.app, 'Host'), await registerUser(first.app)];
    const held = await book(first, user, await screening(first, host), { row: 2, number: 1 });
    await first.stop();

    pastExpiry(first, held);
    restarted = await startTestApp({}, { restartOf: first });
    // QUIET: only the tick at start can have expired it.
    await waitForStatus(restarted, user, held.id, 'EXPIRED');
    expect(await expiredEvents(restarted, held.screeningId)).toEqual([held.id]);
  });
});
