import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cancelBooking,
  confirmBooking,
  expireBooking,
  holdSeats,
} from '../../src/commands/booking-commands.js';
import { type CommandContext, createCommandContext } from '../../src/commands/command-context.js';
import { createPlace, deletePlace } from '../../src/commands/place-commands.js';
import { scheduleScreening } from '../../src/commands/schedule-screening.js';
import { cancelScreening } from '../../src/commands/screening-commands.js';
import type { EventStore, RecordedEvent } from '../../src/eventstore/event-store.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import catalogue from '../../src/films/catalogue.json' with { type: 'json' };
import { readModelsOnPglite, readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db, Tx } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import type { Projection } from '../../src/projections/engine/projection.js';
import {
  Projector,
  readCheckpoint,
  waitForPosition,
} from '../../src/projections/engine/projector.js';
import { loadFilmCatalogue } from '../../src/projections/read-models/films/films-catalogue.js';
import { readModelProjections } from '../../src/projections/read-models.js';
import { rebuildReadModels } from '../../src/projections/replay/rebuild.js';
import { eventually } from '../support/event-store.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

/** An event store and read models on one database, for one test. */
interface Env {
  readonly store: EventStore;
  readonly db: Db;
  close(): Promise<void>;
}

async function onPglite(): Promise<Env> {
  const pglite = await openFreshPglite();
  const store = await PostgresEventStore.fromPglite(pglite);
  return prepare(store, readModelsOnPglite(pglite), () => pglite.close());
}

async function onPostgres(): Promise<Env> {
  const schema = await createTestSchema({ max: 20 });
  const store = await PostgresEventStore.fromPool(schema.pool);
  return prepare(store, readModelsOnPool(schema.pool), () => schema.drop());
}

async function prepare(store: EventStore, db: Db, drop: () => Promise<void>): Promise<Env> {
  await migrateReadModels(db);
  await loadFilmCatalogue(db);
  return {
    store,
    db,
    async close() {
      await store.close();
      await db.destroy();
      await drop();
    },
  };
}

async function withEnv(open: () => Promise<Env>, test: (env: Env) => Promise<void>) {
  const env = await open();
  try {
    await test(env);
  } finally {
    await env.close();
  }
}

const film = catalogue[0]!;
const T0 = new Date('2030-01-01T10:00:00.000Z');
const T1 = new Date('2030-01-01T10:11:00.000Z');
const STARTS = new Date('2030-01-02T20:00:00.000Z');
const ENDS = new Date('2030-01-02T22:00:00.000Z');
const meta = () => ({ correlationId: randomUUID() });

/** A command context whose clock the test moves. */
function commandsAt(store: EventStore) {
  const clock = { now: T0 };
  const ctx = createCommandContext(store, { now: () => clock.now, holdSeconds: 600 });
  return { ctx, clock };
}

async function placeWithScreenings(ctx: CommandContext, hostId: string) {
  const placeId = randomUUID();
  const [assigned, general] = [randomUUID(), randomUUID()];
  const place = { placeId, hostId, name: 'Garage Cinema', address: '1 Main St', description: null };
  await createPlace(ctx, place, meta());
  const screening = { placeId, hostId, filmId: film.id, startsAt: STARTS, endsAt: ENDS };
  await scheduleScreening(
    ctx,
    {
      ...screening,
      screeningId: assigned,
      price: { amount: 1200, currency: 'EUR' },
      seating: { kind: 'assigned', rows: 3, seatsPerRow: 4 },
    },
    meta(),
  );
  await scheduleScreening(
    ctx,
    {
      ...screening,
      screeningId: general,
      price: { amount: 800, currency: 'EUR' },
      seating: { kind: 'general', capacity: 10 },
    },
    meta(),
  );
  return { placeId, assigned, general };
}

const hold = (ctx: CommandContext, screeningId: string, userId: string, seats: number[][]) =>
  holdSeats(
    ctx,
    {
      screeningId,
      bookingId: randomUUID(),
      userId,
      seats: seats.map(([row, number]) => ({ row: row!, number: number! })),
      quantity: null,
    },
    { metadata: meta() },
  );

const holdQuantity = (ctx: CommandContext, screeningId: string, userId: string, quantity: number) =>
  holdSeats(
    ctx,
    { screeningId, bookingId: randomUUID(), userId, seats: null, quantity },
    { metadata: meta() },
  );

const bookingIdOf = (result: { events: readonly { type: string; data: object }[] }) => {
  const held = result.events[0];
  if (held?.type !== 'SeatsHeld' || !('bookingId' in held.data)) throw new TypeError('no hold');
  return String(held.data.bookingId);
};

/** Every read-model row, in a stable order. */
async function snapshot(db: Db) {
  return {
    places: await db.selectFrom('places').selectAll().orderBy('id').execute(),
    screenings: await db.selectFrom('screenings').selectAll().orderBy('id').execute(),
    bookings: await db.selectFrom('bookings').selectAll().orderBy('id').execute(),
    seatClaims: await db
      .selectFrom('seat_claims')
      .selectAll()
      .orderBy('screening_id')
      .orderBy('seat_row')
      .orderBy('seat_number')
      .execute(),
  };
}

/** The whole log, read through the feed up to the head. */
async function readLog(store: EventStore): Promise<RecordedEvent[]> {
  const head = await store.headPosition();
  const events: RecordedEvent[] = [];
  if (head === undefined) return events;
  for await (const event of store.subscribeAll()) {
    events.push(event);
    if (store.comparePositions(event.position, head) >= 0) break;
  }
  return events;
}

async function caughtUp(env: Env, name: string): Promise<void> {
  const head = await env.store.headPosition();
  const reached = await waitForPosition(env.db, env.store, [name], head ?? '', {
    timeoutMs: 15_000,
  });
  expect(reached, `${name} reached ${head}`).toBe(true);
}

/** A log of about 60 events: holds, confirmations, expiries, cancellations. */
async function busyLog(store: EventStore): Promise<void> {
  const { ctx, clock } = commandsAt(store);
  const host = randomUUID();
  const { assigned, general } = await placeWithScreenings(ctx, host);
  const held: { screeningId: string; bookingId: string; userId: string }[] = [];
  for (let i = 0; i < 12; i++) {
    const userId = randomUUID();
    const seats = [[1 + Math.floor(i / 4), 1 + (i % 4)]];
    held.push({
      screeningId: assigned,
      userId,
      bookingId: bookingIdOf(await hold(ctx, assigned, userId, seats)),
    });
  }
  for (let i = 0; i < 10; i++) {
    const userId = randomUUID();
    held.push({
      screeningId: general,
      userId,
      bookingId: bookingIdOf(await holdQuantity(ctx, general, userId, 1)),
    });
  }
  for (const [i, booking] of held.entries()) {
    if (i % 3 === 0)
      await confirmBooking(ctx, { ...booking, paymentId: `p${i}` }, { metadata: meta() });
  }
  clock.now = T1;
  for (const [i, booking] of held.entries()) {
    if (i % 3 === 1) await expireBooking(ctx, booking, { metadata: meta() });
    if (i % 6 === 0) await cancelBooking(ctx, booking, { metadata: meta() });
  }
  await cancelScreening(
    ctx,
    { screeningId: general, hostId: host, reason: 'rain' },
    { metadata: meta() },
  );
}

/**
 * Throws once, on an event past `after` that is not the first of its batch: a crash mid-batch.
 * The error is what a killed process's connection reports (admin_shutdown): a failure of the
 * database, which rolls the batch back whole, not an event the projection cannot apply.
 */
function crashMidBatch(after: number) {
  let seen = 0;
  let previous: { tx: Tx; event: RecordedEvent } | undefined;
  const crash: { at?: RecordedEvent; before?: RecordedEvent } = {};
  const projection: Projection = {
    name: 'crash',
    async applyBatch(tx, events) {
      for (const event of events) {
        seen += 1;
        if (crash.at === undefined && seen > after && previous?.tx === tx) {
          crash.at = event;
          crash.before = previous.event;
          throw Object.assign(new Error('simulated crash: terminating connection'), {
            code: '57P01',
          });
        }
        previous = { tx, event };
      }
    },
  };
  return { projection, crash };
}

/** Counts the events a projection is applied to, by id: a committed batch is counted once. */
function tally() {
  const applied = new Map<string, number>();
  const projection: Projection = {
    name: 'tally',
    async applyBatch(_tx, events) {
      for (const event of events) applied.set(event.id, (applied.get(event.id) ?? 0) + 1);
    },
  };
  return { projection, applied };
}

const backends = [
  { name: 'PGlite', open: onPglite, skip: false },
  { name: 'PostgreSQL', open: onPostgres, skip: databaseUrl === undefined },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Projector on ${backend.name}`, () => {
    it('projects places, screenings, bookings and seat claims from real commands', () =>
      withEnv(backend.open, async (env) => {
        const { store, db } = env;
        const projector = new Projector({
          name: 'rm',
          store,
          db,
          projections: readModelProjections,
        });
        await projector.start();
        try {
          const { ctx, clock } = commandsAt(store);
          const [host, u1, u2] = [randomUUID(), randomUUID(), randomUUID()];
          const { placeId, assigned, general } = await placeWithScreenings(ctx, host);
          const b1 = bookingIdOf(
            await hold(ctx, assigned, u1, [
              [1, 1],
              [1, 2],
            ]),
          );
          const b2 = bookingIdOf(await hold(ctx, assigned, u2, [[2, 3]]));
          await confirmBooking(
            ctx,
            { screeningId: assigned, bookingId: b1, paymentId: 'p1' },
            { metadata: meta() },
          );
          const b3 = bookingIdOf(await holdQuantity(ctx, general, u1, 3));
          const b4 = bookingIdOf(await holdQuantity(ctx, general, u2, 2));
          await caughtUp(env, 'rm');
          expect(
            await db
              .selectFrom('screenings')
              .select(['id', 'seats_available', 'version'])
              .orderBy('version')
              .execute(),
          ).toEqual([
            { id: general, seats_available: 5, version: 2 },
            { id: assigned, seats_available: 9, version: 3 },
          ]);
          expect((await snapshot(db)).seatClaims.map((c) => c.status)).toEqual([
            'SOLD',
            'SOLD',
            'LOCKED',
          ]);

          clock.now = T1;
          const ref = (screeningId: string, bookingId: string) => ({ screeningId, bookingId });
          await expireBooking(ctx, ref(assigned, b2), { metadata: meta() });
          await confirmBooking(
            ctx,
            { ...ref(assigned, b2), paymentId: 'late' },
            { metadata: meta() },
          );
          await confirmBooking(ctx, { ...ref(general, b3), paymentId: 'p3' }, { metadata: meta() });
          await cancelBooking(ctx, { ...ref(general, b4), userId: u2 }, { metadata: meta() });
          await cancelScreening(
            ctx,
            { screeningId: general, hostId: host, reason: null },
            { metadata: meta() },
          );
          const gone = randomUUID();
          await createPlace(
            ctx,
            { placeId: gone, hostId: host, name: 'Attic', address: null, description: 'Cosy' },
            meta(),
          );
          const last = await deletePlace(ctx, { placeId: gone, hostId: host }, meta());
          expect(
            await waitForPosition(db, store, ['rm'], last.position ?? '', { timeoutMs: 15_000 }),
          ).toBe(true);

          const rows = await snapshot(db);
          expect(rows.places).toEqual(
            [
              {
                id: placeId,
                host_id: host,
                name: 'Garage Cinema',
                address: '1 Main St',
                description: null,
                created_at: T0,
                deleted_at: null,
                time_zone: null,
              },
              {
                id: gone,
                host_id: host,
                name: 'Attic',
                address: null,
                description: 'Cosy',
                created_at: T1,
                deleted_at: T1,
                time_zone: null,
              },
            ].sort((a, b) => a.id.localeCompare(b.id)),
          );
          const screening = {
            place_id: placeId,
            host_id: host,
            film_id: film.id,
            film_title: film.title,
            place_name: 'Garage Cinema',
            starts_at: STARTS,
            ends_at: ENDS,
            price_currency: 'EUR',
          };
          expect(rows.screenings).toEqual(
            [
              {
                ...screening,
                id: assigned,
                status: 'scheduled',
                seating: 'assigned',
                capacity: 12,
                seat_rows: 3,
                seats_per_row: 4,
                seats_available: 10,
                price_amount: 1200,
                version: 5,
              },
              {
                ...screening,
                id: general,
                status: 'cancelled',
                seating: 'general',
                capacity: 10,
                seat_rows: null,
                seats_per_row: null,
                seats_available: 10,
                price_amount: 800,
                version: 6,
              },
            ].sort((a, b) => a.id.localeCompare(b.id)),
          );
          const expires = new Date(T0.getTime() + 600_000);
          const booking = {
            host_id: host,
            currency: 'EUR',
            expires_at: expires,
            created_at: T0,
            payment: null,
          };
          expect(rows.bookings).toEqual(
            [
              {
                ...booking,
                id: b1,
                screening_id: assigned,
                user_id: u1,
                status: 'CONFIRMED',
                seats: [
                  { row: 1, number: 1 },
                  { row: 1, number: 2 },
                ],
                quantity: 2,
                amount: 2400,
                updated_at: T0,
              },
              {
                ...booking,
                id: b2,
                screening_id: assigned,
                user_id: u2,
                status: 'EXPIRED',
                seats: [{ row: 2, number: 3 }],
                quantity: 1,
                amount: 1200,
                updated_at: T1,
              },
              {
                ...booking,
                id: b3,
                screening_id: general,
                user_id: u1,
                status: 'CANCELLED',
                seats: [],
                quantity: 3,
                amount: 2400,
                updated_at: T1,
              },
              {
                ...booking,
                id: b4,
                screening_id: general,
                user_id: u2,
                status: 'CANCELLED',
                seats: [],
                quantity: 2,
                amount: 1600,
                updated_at: T1,
              },
            ].sort((a, b) => a.id.localeCompare(b.id)),
          );
          expect(rows.seatClaims).toEqual([
            { screening_id: assigned, seat_row: 1, seat_number: 1, booking_id: b1, status: 'SOLD' },
            { screening_id: assigned, seat_row: 1, seat_number: 2, booking_id: b1, status: 'SOLD' },
          ]);
          expect(await projector.checkpoint()).toBe(last.position);
        } finally {
          await projector.stop();
        }
      }));

    it('kill the projector mid-batch and restart it: read models equal a fresh rebuild, nothing applied twice', () =>
      withEnv(backend.open, async (env) => {
        const { store, db } = env;
        await busyLog(store);
        const log = await readLog(store);
        const { projection: crasher, crash } = crashMidBatch(20);
        const first = new Projector({
          name: 'rm',
          store,
          db,
          batchSize: 7,
          retryMs: 60_000,
          projections: [...readModelProjections, crasher],
        });
        await first.start();
        expect(await eventually(() => crash.at !== undefined)).toBe(true);
        await first.stop();

        // The crashed batch rolled back whole: the tables hold exactly the committed prefix.
        const checkpoint = await readCheckpoint(db, 'rm');
        if (checkpoint === undefined || crash.before === undefined)
          throw new TypeError('no checkpoint');
        expect(store.comparePositions(checkpoint, crash.before.position)).toBeLessThan(0);
        const committed = log.filter((e) => store.comparePositions(e.position, checkpoint) <= 0);
        const heldIds = committed
          .filter((e) => e.type === 'SeatsHeld')
          .map((e) => String(e.data.bookingId));
        const bookings = await db.selectFrom('bookings').select('id').execute();
        expect(bookings.map((b) => b.id).sort()).toEqual(heldIds.sort());
        const versions = await db.selectFrom('screenings').select(['id', 'version']).execute();
        for (const { id, version } of versions) {
          const revisions = committed
            .filter((e) => e.streamId === `screening-${id}`)
            .map((e) => Number(e.revision));
          expect(version).toBe(Math.max(...revisions));
        }

        const { projection: counter, applied } = tally();
        const second = new Projector({
          name: 'rm',
          store,
          db,
          batchSize: 7,
          projections: [...readModelProjections, counter],
        });
        await second.start();
        await caughtUp(env, 'rm');
        await second.stop();
        const rest = log.filter((e) => store.comparePositions(e.position, checkpoint) > 0);
        expect([...applied.keys()].sort()).toEqual(rest.map((e) => e.id).sort());
        expect(new Set(applied.values())).toEqual(new Set([1]));

        const restarted = await snapshot(db);
        expect(restarted.bookings).toHaveLength(22);
        expect(await rebuildReadModels({ store, db, name: 'rm', timeoutMs: 15_000 })).toBe(
          log.at(-1)?.position,
        );
        expect(await snapshot(db)).toEqual(restarted);
      }));

    it('a rebuild while the projector runs ends with the same rows, and the projector follows on', () =>
      withEnv(backend.open, async (env) => {
        const { store, db } = env;
        await busyLog(store);
        const running = new Projector({
          name: 'rm',
          store,
          db,
          retryMs: 50,
          projections: readModelProjections,
        });
        await running.start();
        try {
          await caughtUp(env, 'rm');
          const before = await snapshot(db);
          await rebuildReadModels({ store, db, name: 'rm', timeoutMs: 15_000 });
          expect(await snapshot(db)).toEqual(before);

          const { ctx } = commandsAt(store);
          const placeId = randomUUID();
          const place = {
            placeId,
            hostId: randomUUID(),
            name: 'Later',
            address: null,
            description: null,
          };
          const { position } = await createPlace(ctx, place, meta());
          expect(
            await waitForPosition(db, store, ['rm'], position ?? '', { timeoutMs: 15_000 }),
          ).toBe(true);
          const rows = await snapshot(db);
          expect(rows.places.map((p) => p.id).sort()).toEqual(
            [...before.places.map((p) => p.id), placeId].sort(),
          );
          expect(rows.bookings).toEqual(before.bookings);
        } finally {
          await running.stop();
        }
      }));
  });
}

describe.skipIf(databaseUrl === undefined)('Projector instances on PostgreSQL', () => {
  it('runs one instance per name: the second stands by, then takes over when the first stops', () =>
    withEnv(onPostgres, async (env) => {
      const { store, db } = env;
      await busyLog(store);
      const a = tally();
      const b = tally();
      const options = { name: 'rm', store, db, retryMs: 50 };
      const first = new Projector({
        ...options,
        projections: [...readModelProjections, a.projection],
      });
      const second = new Projector({
        ...options,
        projections: [...readModelProjections, b.projection],
      });
      await first.start();
      await caughtUp(env, 'rm');
      expect(first.active).toBe(true);
      let secondRan = false;
      const watch = setInterval(() => {
        secondRan ||= second.active;
      }, 5);
      await second.start();
      const { ctx } = commandsAt(store);
      const place = () => ({
        placeId: randomUUID(),
        hostId: randomUUID(),
        name: 'P',
        address: null,
        description: null,
      });
      for (let i = 0; i < 5; i++) await createPlace(ctx, place(), meta());
      await caughtUp(env, 'rm');
      clearInterval(watch);
      expect(secondRan).toBe(false);
      expect(b.applied.size).toBe(0);

      await first.stop();
      expect(first.active).toBe(false);
      await createPlace(ctx, place(), meta());
      await caughtUp(env, 'rm');
      expect(second.active).toBe(true);
      await second.stop();
      const log = await readLog(store);
      expect([...b.applied.keys()]).toEqual([log.at(-1)?.id]);
      const all = [...a.applied.keys(), ...b.applied.keys()];
      expect(all.sort()).toEqual(log.map((e) => e.id).sort());
      expect((await snapshot(db)).places).toHaveLength(7);
    }));
});
