import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdSeats } from '../../src/commands/booking-commands.js';
import { type CommandContext, createCommandContext } from '../../src/commands/command-context.js';
import { createPlace, deletePlace } from '../../src/commands/place-commands.js';
import { scheduleScreening } from '../../src/commands/schedule-screening.js';
import { fold } from '../../src/domain/decider.js';
import { DomainError } from '../../src/domain/errors.js';
import { placeDecider } from '../../src/domain/place/index.js';
import { screeningDecider } from '../../src/domain/screening/index.js';
import type { Seating } from '../../src/domain/seat.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

const now = new Date('2030-01-01T18:00:00Z');
const metadata = { correlationId: 'contention-test' };

/** Several handler instances, each with its own pool and store: as if several servers. */
interface Servers {
  readonly contexts: CommandContext[];
  readonly stores: PostgresEventStore[];
}

async function startServers(schema: TestSchema, count: number): Promise<Servers> {
  const stores: PostgresEventStore[] = [];
  for (let i = 0; i < count; i++) {
    const { pool } = await createPoolLike(schema);
    stores.push(await PostgresEventStore.fromPool(pool, { ownsDatabase: true }));
  }
  const contexts = stores.map((store) =>
    createCommandContext(store, { now: () => now, holdSeconds: 900 }),
  );
  return { contexts, stores };
}

// Each "server" gets its own pool on the test schema.
async function createPoolLike(schema: TestSchema) {
  const pg = await import('pg');
  const pool = new pg.default.Pool({
    connectionString: databaseUrl,
    options: `-c search_path=${schema.schema}`,
    max: 5,
  });
  pool.on('error', () => undefined);
  return { pool };
}

async function newScreening(ctx: CommandContext, seating: Seating): Promise<string> {
  const hostId = randomUUID();
  const placeId = randomUUID();
  const screeningId = randomUUID();
  await createPlace(
    ctx,
    { placeId, hostId, name: 'Rooftop', address: null, description: null },
    metadata,
  );
  await scheduleScreening(
    ctx,
    {
      screeningId,
      placeId,
      hostId,
      filmId: randomUUID(),
      startsAt: new Date('2030-01-02T20:00:00Z'),
      endsAt: new Date('2030-01-02T22:00:00Z'),
      price: { amount: 900, currency: 'EUR' },
      seating,
    },
    metadata,
  );
  return screeningId;
}

function codeOf(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  return result.reason instanceof DomainError ? result.reason.code : String(result.reason);
}

function tally(results: PromiseSettledResult<unknown>[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[codeOf(r)] = (counts[codeOf(r)] ?? 0) + 1;
  return counts;
}

describe.skipIf(!databaseUrl)('contention on real PostgreSQL, several handler instances', () => {
  let schema: TestSchema;
  let servers: Servers;

  beforeAll(async () => {
    schema = await createTestSchema();
    servers = await startServers(schema, 4);
  });

  afterAll(async () => {
    await Promise.all(servers?.stores.map((s) => s.close()) ?? []);
    await schema?.drop();
  });

  const serverFor = (i: number) => servers.contexts[i % servers.contexts.length]!;

  it('gives the last seat to exactly one of 200 concurrent holds', async () => {
    const screeningId = await newScreening(serverFor(0), {
      kind: 'assigned',
      rows: 2,
      seatsPerRow: 2,
    });
    // Three of four seats go first; then 200 people race for the last one.
    await holdSeats(
      serverFor(0),
      {
        screeningId,
        bookingId: randomUUID(),
        userId: randomUUID(),
        seats: [
          { row: 1, number: 1 },
          { row: 1, number: 2 },
          { row: 2, number: 1 },
        ],
        quantity: null,
      },
      { metadata },
    );
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        holdSeats(
          serverFor(i),
          {
            screeningId,
            bookingId: randomUUID(),
            userId: randomUUID(),
            seats: [{ row: 2, number: 2 }],
            quantity: null,
          },
          { metadata },
        ),
      ),
    );
    const counts = tally(results);
    expect(counts.ok).toBe(1);
    expect((counts.seats_unavailable ?? 0) + (counts.sold_out ?? 0)).toBe(199);

    const { events } = await servers.stores[1]!.read(`screening-${screeningId}`);
    const state = fold(screeningDecider, events);
    expect(state.status === 'scheduled' && state.taken).toBe(4);
    expect(events.filter((e) => e.type === 'SeatsHeld')).toHaveLength(2);
  });

  it('sells exactly 300 of 500 concurrent single-seat holds in a 300-seat screening', async () => {
    const screeningId = await newScreening(serverFor(1), { kind: 'general', capacity: 300 });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) =>
        holdSeats(
          serverFor(i),
          { screeningId, bookingId: randomUUID(), userId: randomUUID(), seats: null, quantity: 1 },
          { metadata },
        ),
      ),
    );
    const counts = tally(results);
    expect(counts.ok).toBe(300);
    expect(counts.sold_out).toBe(200);

    const { events } = await servers.stores[2]!.read(`screening-${screeningId}`);
    expect(events.filter((e) => e.type === 'SeatsHeld')).toHaveLength(300);
    const state = fold(screeningDecider, events);
    expect(state.status === 'scheduled' && state.taken).toBe(300);
  });

  it('never sells an assigned seat twice when 500 holds race for 300 seats', async () => {
    const screeningId = await newScreening(serverFor(2), {
      kind: 'assigned',
      rows: 15,
      seatsPerRow: 20,
    });
    const seatFor = (i: number) => ({ row: 1 + (Math.floor(i / 20) % 15), number: 1 + (i % 20) });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) =>
        holdSeats(
          serverFor(i),
          {
            screeningId,
            bookingId: randomUUID(),
            userId: randomUUID(),
            seats: [seatFor(i)],
            quantity: null,
          },
          { metadata },
        ),
      ),
    );
    const counts = tally(results);
    expect(counts.ok).toBe(300);
    expect((counts.seats_unavailable ?? 0) + (counts.sold_out ?? 0)).toBe(200);

    const { events } = await servers.stores[3]!.read(`screening-${screeningId}`);
    const seats = events
      .filter((e) => e.type === 'SeatsHeld')
      .flatMap((e) =>
        (e.data.seats as { row: number; number: number }[]).map((s) => `${s.row}:${s.number}`),
      );
    expect(new Set(seats).size).toBe(seats.length);
    expect(seats).toHaveLength(300);
  });

  it('keeps the place schedule consistent when scheduling races with deleting the place', async () => {
    for (let round = 0; round < 10; round++) {
      const hostId = randomUUID();
      const placeId = randomUUID();
      await createPlace(
        serverFor(0),
        { placeId, hostId, name: 'Barn', address: null, description: null },
        metadata,
      );
      const screeningIds = Array.from({ length: 5 }, () => randomUUID());
      const schedules = screeningIds.map((screeningId, i) =>
        scheduleScreening(
          serverFor(i + 1),
          {
            screeningId,
            placeId,
            hostId,
            filmId: randomUUID(),
            startsAt: new Date('2030-01-02T20:00:00Z'),
            endsAt: new Date('2030-01-02T22:00:00Z'),
            price: { amount: 0, currency: 'EUR' },
            seating: { kind: 'general', capacity: 10 },
          },
          metadata,
        ),
      );
      const deletion = deletePlace(serverFor(round), { placeId, hostId }, metadata);
      const [deleted, ...scheduled] = await Promise.allSettled([deletion, ...schedules]);

      const store = servers.stores[0]!;
      const place = fold(placeDecider, (await store.read(`place-${placeId}`)).events);
      const created = [];
      for (const id of screeningIds) {
        if ((await store.read(`screening-${id}`)).revision !== null) created.push(id);
      }
      if (deleted!.status === 'fulfilled') {
        // Deleted first: every schedule attempt found no place, and no screening exists for it.
        expect(place.status).toBe('deleted');
        expect(scheduled.map(codeOf)).toEqual(screeningIds.map(() => 'place_not_found'));
        expect(created).toEqual([]);
      } else {
        // A screening got in first: the deletion was refused and the schedule lists exactly
        // the screenings that exist.
        expect(codeOf(deleted!)).toBe('place_has_scheduled_screenings');
        expect(place.status).toBe('active');
        expect(place.status === 'active' && [...place.screenings.keys()].sort()).toEqual(
          created.sort(),
        );
        expect(created.length).toBeGreaterThan(0);
      }
    }
  });
});
