import { randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelBooking, holdSeats } from '../../src/commands/booking-commands.js';
import { type CommandContext, createCommandContext } from '../../src/commands/command-context.js';
import { VersionMismatch } from '../../src/commands/errors.js';
import { createPlace } from '../../src/commands/place-commands.js';
import { scheduleScreening } from '../../src/commands/schedule-screening.js';
import { DomainError } from '../../src/domain/errors.js';
import type { Seating } from '../../src/domain/seat.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { openFreshPglite } from '../support/pglite-template.js';

const now = new Date('2030-01-01T18:00:00Z');
const metadata = { correlationId: 'handler-test' };
const seat = { row: 1, number: 1 };

describe('DeciderHandler on PGlite', () => {
  let db: PGlite;
  let store: PostgresEventStore;
  // Two processes' worth of handlers on one store: each has its own cache.
  let a: CommandContext;
  let b: CommandContext;

  beforeAll(async () => {
    db = await openFreshPglite();
    store = await PostgresEventStore.fromPglite(db);
    a = createCommandContext(store, { now: () => now });
    b = createCommandContext(store, { now: () => now });
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  async function screening(
    seating: Seating = { kind: 'assigned', rows: 1, seatsPerRow: 2 },
  ): Promise<string> {
    const hostId = randomUUID();
    const placeId = randomUUID();
    const screeningId = randomUUID();
    await createPlace(
      a,
      { placeId, hostId, name: 'Loft', address: null, description: null },
      metadata,
    );
    await scheduleScreening(
      a,
      {
        screeningId,
        placeId,
        hostId,
        filmId: randomUUID(),
        startsAt: new Date('2030-01-05T20:00:00Z'),
        endsAt: new Date('2030-01-05T22:00:00Z'),
        price: { amount: 500, currency: 'EUR' },
        seating,
      },
      metadata,
    );
    return screeningId;
  }

  const hold = (
    ctx: CommandContext,
    screeningId: string,
    userId = randomUUID(),
    bookingId = randomUUID(),
  ) =>
    holdSeats(ctx, { screeningId, bookingId, userId, seats: [seat], quantity: null }, { metadata });

  it('re-decides on a stale cache after a revision conflict', async () => {
    const screeningId = await screening();
    await a.screenings.load(screeningId); // a caches the empty screening
    await hold(b, screeningId);
    // a's cache still shows the seat free: its append conflicts, it catches up and refuses.
    await expect(hold(a, screeningId)).rejects.toMatchObject({ code: 'seats_unavailable' });
  });

  it('does not refuse on a stale cache: a refusal is checked against the latest revision', async () => {
    const screeningId = await screening();
    const userId = randomUUID();
    const bookingId = randomUUID();
    await hold(a, screeningId, userId, bookingId);
    await expect(hold(a, screeningId)).rejects.toBeInstanceOf(DomainError); // a caches "taken"
    await cancelBooking(b, { screeningId, bookingId, userId }, { metadata });
    const result = await hold(a, screeningId);
    expect(result.events.map((e) => e.type)).toEqual(['SeatsHeld']);
  });

  it('answers a retried command with a no-op and the position of the stream', async () => {
    const screeningId = await screening();
    const userId = randomUUID();
    const bookingId = randomUUID();
    const first = await hold(a, screeningId, userId, bookingId);
    const retry = await hold(b, screeningId, userId, bookingId);
    expect(retry.events).toEqual([]);
    expect(retry.revision).toBe(first.revision);
    expect(retry.position).toBe(first.position);
  });

  it('refuses a command whose expected version is stale', async () => {
    const screeningId = await screening();
    const { revision } = await a.screenings.load(screeningId);
    await hold(b, screeningId);
    const stale = holdSeats(
      a,
      {
        screeningId,
        bookingId: randomUUID(),
        userId: randomUUID(),
        seats: [{ row: 1, number: 2 }],
        quantity: null,
      },
      { metadata, expectedVersion: revision! },
    );
    await expect(stale).rejects.toBeInstanceOf(VersionMismatch);
  });

  it('decides a burst on one stream in batches, appending each batch at once', async () => {
    const screeningId = await screening({ kind: 'general', capacity: 100 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        holdSeats(
          a,
          { screeningId, bookingId: randomUUID(), userId: randomUUID(), seats: null, quantity: 1 },
          { metadata },
        ),
      ),
    );
    const { events } = await store.read(`screening-${screeningId}`);
    expect(events.filter((e) => e.type === 'SeatsHeld')).toHaveLength(50);
    // Commands of one batch share the batch's append position: far fewer appends than commands.
    const appends = new Set(results.map((r) => r.position)).size;
    expect(appends).toBeLessThan(10);
  });

  it('answers a command retried on a stale node from the store, without corrupting its cache', async () => {
    const screeningId = await screening({ kind: 'assigned', rows: 1, seatsPerRow: 3 });
    await b.screenings.load(screeningId); // b caches revision 0
    const s2 = { row: 1, number: 2 };
    await holdSeats(
      a,
      { screeningId, bookingId: randomUUID(), userId: randomUUID(), seats: [s2], quantity: null },
      { metadata },
    );
    const bookingId = randomUUID();
    const userId = randomUUID();
    const retried = { screeningId, bookingId, userId, seats: [seat], quantity: null };
    const withId = { metadata: { ...metadata, commandId: `cmd-${bookingId}` } };
    const first = await holdSeats(a, retried, withId);
    // The same command (same id) reaches b, whose cache predates both holds.
    const again = await holdSeats(b, retried, withId);
    expect(again.events).toEqual([]);
    expect(again.revision).toBe(first.revision);
    // b must now know that seat 2 is taken.
    await expect(
      holdSeats(
        b,
        { screeningId, bookingId: randomUUID(), userId: randomUUID(), seats: [s2], quantity: null },
        { metadata },
      ),
    ).rejects.toMatchObject({ code: 'seats_unavailable' });
    const { events } = await store.read(`screening-${screeningId}`);
    expect(events.filter((e) => e.type === 'SeatsHeld')).toHaveLength(2);
  });

  it('does not let one command the store rejects fail the others of its batch', async () => {
    const screeningId = await screening({ kind: 'general', capacity: 10 });
    const hostId = (await a.screenings.load(screeningId)).state;
    expect(hostId.status).toBe('scheduled');
    const host = hostId.status === 'scheduled' ? hostId.hostId : '';
    const [bad, good] = await Promise.allSettled([
      // PostgreSQL's jsonb refuses the NUL character: this append fails below the domain.
      a.screenings.handle(
        screeningId,
        { type: 'CancelScreening', screeningId, hostId: host, reason: 'x\u0000', now },
        { metadata },
      ),
      holdSeats(
        a,
        { screeningId, bookingId: randomUUID(), userId: randomUUID(), seats: null, quantity: 1 },
        { metadata },
      ),
    ]);
    expect(bad!.status).toBe('rejected');
    expect(good!.status).toBe('fulfilled');
  });
});
