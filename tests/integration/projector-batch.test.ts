import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestPayment } from '../../src/commands/billing-commands.js';
import {
  cancelBooking,
  confirmBooking,
  expireBooking,
  holdSeats,
} from '../../src/commands/booking-commands.js';
import { type CommandContext, createCommandContext } from '../../src/commands/command-context.js';
import { createPlace, deletePlace } from '../../src/commands/place-commands.js';
import {
  closeRoom,
  controlPlayback,
  openRoom,
  setRoomLock,
} from '../../src/commands/room-commands.js';
import { scheduleScreening } from '../../src/commands/schedule-screening.js';
import { cancelScreening } from '../../src/commands/screening-commands.js';
import { setFollowing, setListed } from '../../src/commands/social-commands.js';
import type { EventStore } from '../../src/eventstore/event-store.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import catalogue from '../../src/films/catalogue.json' with { type: 'json' };
import { readModelsOnPglite, readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import type { Projection } from '../../src/projections/engine/projection.js';
import { loadFilmCatalogue } from '../../src/projections/read-models/films/films-catalogue.js';
import { readModelProjections } from '../../src/projections/read-models.js';
import { replayInto } from '../../src/projections/replay/replay-into.js';
import { createScratchSchema } from '../../src/projections/replay/scratch-schema.js';
import { newEvent } from '../support/event-store.js';
import { perEventReadModels } from '../support/per-event/index.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

const film = catalogue[0]!;
const meta = () => ({ correlationId: randomUUID() });
const options = { metadata: meta() };

/** Every read-model row in a stable order; notifications in cursor order, without the cursor. */
async function snapshot(db: Db) {
  const notifications = await db
    .selectFrom('notifications')
    .selectAll()
    .orderBy('cursor')
    .execute();
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
    notifications: notifications.map(({ cursor: _, ...row }) => row),
    rooms: await db.selectFrom('rooms').selectAll().orderBy('id').execute(),
    roomMembers: await db
      .selectFrom('room_members')
      .selectAll()
      .orderBy('room_id')
      .orderBy('user_id')
      .execute(),
    roomInvites: await db
      .selectFrom('room_invites')
      .selectAll()
      .orderBy('room_id')
      .orderBy('user_id')
      .execute(),
    roomMessages: await db.selectFrom('room_messages').selectAll().orderBy('id').execute(),
    ...(await socialSnapshot(db)),
  };
}

/** The social tables and the films' counters, in a stable order. */
async function socialSnapshot(db: Db) {
  const list = (table: 'wishes' | 'likes' | 'friend_wants') =>
    db.selectFrom(table).selectAll().orderBy('user_id').orderBy('film_id').execute();
  return {
    follows: await db
      .selectFrom('follows')
      .selectAll()
      .orderBy('follower_id')
      .orderBy('followee_id')
      .execute(),
    followCounts: await db.selectFrom('follow_counts').selectAll().orderBy('user_id').execute(),
    friends: await db
      .selectFrom('friends')
      .selectAll()
      .orderBy('user_id')
      .orderBy('friend_id')
      .execute(),
    wishes: await list('wishes'),
    likes: await list('likes'),
    friendWants: await list('friend_wants'),
    filmCounters: await db
      .selectFrom('films')
      .select(['id', 'want_count', 'like_count'])
      .where((eb) => eb.or([eb('want_count', '!=', 0), eb('like_count', '!=', 0)]))
      .orderBy('id')
      .execute(),
  };
}

async function screening(ctx: CommandContext, placeId: string, hostId: string, general: boolean) {
  const screeningId = randomUUID();
  await scheduleScreening(
    ctx,
    {
      screeningId,
      placeId,
      hostId,
      filmId: film.id,
      startsAt: new Date('2030-01-02T20:00:00.000Z'),
      endsAt: new Date('2030-01-02T22:00:00.000Z'),
      price: { amount: 900, currency: 'EUR' },
      seating: general
        ? { kind: 'general', capacity: 20 }
        : { kind: 'assigned', rows: 2, seatsPerRow: 3 },
    },
    meta(),
  );
  return screeningId;
}

/**
 * One log with the subtle cases: a booking held, paid for, confirmed and cancelled; one held
 * then expired; its seat held again; a screening cancelled with live bookings; a place deleted.
 */
async function subtleLog(store: EventStore): Promise<void> {
  const clock = { now: new Date('2030-01-01T10:00:00.000Z') };
  const ctx = createCommandContext(store, { now: () => clock.now, holdSeconds: 600 });
  const [hostId, placeId, u1, u2, u3] = [
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
    randomUUID(),
  ];
  await createPlace(
    ctx,
    { placeId, hostId, name: 'Barn', address: null, description: null },
    meta(),
  );
  const assigned = await screening(ctx, placeId, hostId, false);
  const general = await screening(ctx, placeId, hostId, true);
  const hold = async (screeningId: string, userId: string, seats: number[][] | null) => {
    const bookingId = randomUUID();
    const seatList = seats?.map(([row, number]) => ({ row: row!, number: number! })) ?? null;
    const quantity = seats === null ? 2 : null;
    await holdSeats(ctx, { screeningId, bookingId, userId, seats: seatList, quantity }, options);
    return { screeningId, bookingId, userId };
  };
  const a = await hold(assigned, u1, [
    [1, 1],
    [1, 2],
  ]);
  const payment = {
    provider: 'simulated',
    paymentId: 'pa',
    checkoutUrl: null,
    clientSecret: null,
  } as const;
  await requestPayment(ctx, { ...a, payment }, options);
  await confirmBooking(ctx, { ...a, paymentId: 'pa' }, options);
  const b = await hold(assigned, u2, [[2, 1]]);
  await hold(general, u1, null);
  await hold(general, u2, null);
  await hold(general, u1, null);
  clock.now = new Date('2030-01-01T10:30:00.000Z');
  await cancelBooking(ctx, a, options);
  await expireBooking(ctx, b, options);
  await confirmBooking(ctx, { ...b, paymentId: 'late' }, options);
  await hold(assigned, u3, [
    [1, 1],
    [2, 1],
  ]);
  await cancelScreening(ctx, { screeningId: general, hostId: hostId, reason: 'rain' }, options);
  // Events the aggregate would not emit, yet well-formed: a projection must ignore them the
  // same way in both paths (an ended booking gives no seats back and stays ended).
  const ended = { screeningId: assigned, bookingId: b.bookingId };
  await store.append(
    `screening-${assigned}`,
    [
      newEvent('BookingCancelled', {
        ...ended,
        reason: 'user',
        refundPaymentId: null,
        cancelledAt: '2030-01-01T10:40:00.000Z',
      }),
      newEvent('BookingConfirmed', {
        ...ended,
        paymentId: 'x',
        confirmedAt: '2030-01-01T10:41:00.000Z',
      }),
    ],
    { expectedRevision: 'any' },
  );
  const gone = randomUUID();
  await createPlace(
    ctx,
    { placeId: gone, hostId: hostId, name: 'Attic', address: null, description: null },
    meta(),
  );
  await deletePlace(ctx, { placeId: gone, hostId: hostId }, meta());
  await roomsPlaying(ctx, hostId, clock);
  await socialLife(store, ctx, clock);
}

/**
 * Two rooms whose playback changes interleave, with a lock between them and a close after:
 * the batch path keeps only each room's last change of a run, so the order must still hold.
 */
async function roomsPlaying(ctx: CommandContext, hostId: string, clock: { now: Date }) {
  const rooms = [randomUUID(), randomUUID()];
  for (const roomId of rooms) {
    const room = {
      roomId,
      filmId: film.id,
      hostId,
      durationSeconds: 600,
      invite: [],
      locked: false,
    };
    await openRoom(ctx, room, meta());
  }
  const control = (roomId: string, c: Parameters<typeof controlPlayback>[1]['control']) => {
    const input = { roomId, userId: hostId, control: c, leadMs: 500, someoneBuffering: false };
    return controlPlayback(ctx, input, meta());
  };
  const [a, b] = rooms as [string, string];
  await control(a, { action: 'play' });
  await control(b, { action: 'play' });
  clock.now = new Date(clock.now.getTime() + 30_000);
  await control(a, { action: 'seek', position: 120 });
  await setRoomLock(ctx, { roomId: a, userId: hostId, locked: true }, meta());
  await control(a, { action: 'pause' });
  await control(b, { action: 'rate', rate: 1.05 });
  await closeRoom(ctx, { roomId: b, userId: hostId, reason: 'host' }, meta());
}

/**
 * Follows, wishes and likes of a few users, drawn from a seeded sequence so every run is the
 * same: a pair followed, unfollowed and followed again, a film wished and unwished, often in one
 * batch; friendships begin and end while their films are wanted. Then events the aggregates
 * would not emit, yet well-formed (a follow that stands, an unfollow of none, a wish again):
 * they must change nothing, in both paths.
 */
async function socialLife(store: EventStore, ctx: CommandContext, clock: { now: Date }) {
  const users = Array.from({ length: 5 }, () => randomUUID());
  const films = catalogue.slice(0, 3).map((entry) => entry.id);
  let seed = 7;
  const draw = (n: number) => {
    seed = (seed * 48_271) % 2_147_483_647;
    return seed % n;
  };
  const pick = <T>(from: readonly T[]): T => from[draw(from.length)] as T;
  const follow = (followerId: string, followeeId: string, yes = true) =>
    setFollowing(ctx, { followerId, followeeId, follow: yes }, meta());
  const wish = (userId: string, filmId: string, listed = true) =>
    setListed(ctx, { userId, filmId, list: 'wishlist', listed }, meta());
  // Side by side first: a follow undone at once (counts of zero), then again, friends made, unmade and
  // made again while both want a film, a wish undone and made again.
  const [x, y, z] = [randomUUID(), randomUUID(), randomUUID()];
  const film = films[0] as string;
  await follow(z, x);
  await follow(z, x, false);
  await follow(x, y);
  await follow(x, y, false);
  await follow(x, y);
  await wish(x, film);
  await wish(y, film);
  await follow(y, x);
  await follow(y, x, false);
  clock.now = new Date(clock.now.getTime() + 1_000);
  await follow(y, x);
  await wish(x, film, false);
  await wish(x, film);
  for (let step = 0; step < 80; step += 1) {
    clock.now = new Date(clock.now.getTime() + 1_000);
    const user = pick(users);
    const roll = draw(10);
    if (roll < 5) {
      const other = pick(users.filter((candidate) => candidate !== user));
      const input = { followerId: user, followeeId: other, follow: roll < 3 };
      await setFollowing(ctx, input, meta());
    } else {
      const list = roll < 8 ? 'wishlist' : 'likes';
      const input = { userId: user, filmId: pick(films), list, listed: draw(5) < 3 } as const;
      await setListed(ctx, input, meta());
    }
  }
  const [a, b] = users as [string, string];
  const at = clock.now.toISOString();
  await store.append(
    `odd-social-${randomUUID()}`,
    [
      newEvent('UserFollowed', { followerId: a, followeeId: b, followedAt: at }),
      newEvent('UserFollowed', { followerId: a, followeeId: b, followedAt: at }),
      newEvent('UserUnfollowed', { followerId: b, followeeId: randomUUID(), unfollowedAt: at }),
      newEvent('FilmWished', { userId: a, filmId: films[0], at }),
      newEvent('FilmWished', { userId: a, filmId: films[0], at }),
      newEvent('FilmUnliked', { userId: b, filmId: films[1], at }),
    ],
    { expectedRevision: 'any' },
  );
}

/** Replays the whole log into a fresh schema through `projections` and returns its rows. */
async function replayed(
  store: EventStore,
  db: Db,
  projections: readonly Projection[],
  batchSize: number,
) {
  const scratch = await createScratchSchema(db);
  try {
    const to = await store.headPosition();
    if (to === undefined) throw new TypeError('empty log');
    await replayInto({ store, db: scratch.db, projections, to, batchSize });
    return await snapshot(scratch.db);
  } finally {
    await scratch.drop();
  }
}

const backends = [
  {
    name: 'PGlite',
    skip: false,
    async open() {
      const pglite = await openFreshPglite();
      const store = await PostgresEventStore.fromPglite(pglite);
      return { store, db: readModelsOnPglite(pglite), drop: () => pglite.close() };
    },
  },
  {
    name: 'PostgreSQL',
    skip: databaseUrl === undefined,
    async open() {
      const schema = await createTestSchema();
      const store = await PostgresEventStore.fromPool(schema.pool);
      return { store, db: readModelsOnPool(schema.pool), drop: () => schema.drop() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`Batch projection on ${backend.name}`, () => {
    it('writes exactly the rows the per-event oracle writes, whatever the batch boundaries', async () => {
      const { store, db, drop } = await backend.open();
      try {
        await migrateReadModels(db);
        await loadFilmCatalogue(db);
        await subtleLog(store);
        const perEvent = await replayed(store, db, [perEventReadModels], 500);
        expect(perEvent.bookings.map((b) => b.status).sort()).toEqual([
          'CANCELLED',
          'CANCELLED',
          'CANCELLED',
          'CANCELLED',
          'EXPIRED',
          'PENDING',
        ]);
        expect(perEvent.notifications.map((n) => n.type)).toContain('screening.cancelled');
        expect(perEvent.seatClaims).toHaveLength(2);
        expect(perEvent.places.filter((p) => p.deleted_at !== null)).toHaveLength(1);
        expect(perEvent.rooms.map((r) => [r.status, r.playback.status]).sort()).toEqual([
          ['closed', 'paused'],
          ['open', 'paused'],
        ]);
        expect(perEvent.friends.length).toBeGreaterThan(0);
        expect(perEvent.friendWants.filter((row) => row.friends > 0).length).toBeGreaterThan(0);
        expect(perEvent.followCounts.some((row) => row.followers + row.following === 0)).toBe(true);
        for (const batchSize of [500, 3, 7]) {
          expect(await replayed(store, db, readModelProjections, batchSize)).toEqual(perEvent);
        }
      } finally {
        await store.close();
        await db.destroy();
        await drop();
      }
      // The log replayed four times (oracle, then batches of 500, 3, 7): on PGlite under load
      // it nears the default 30 s.
    }, 90_000);
  });
}
