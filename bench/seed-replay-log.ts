/**
 * Seeds a log for measuring `cowatch replay` without the whole bench:
 *
 *   npx tsx bench/seed-replay-log.ts [events=100000]   # prints the schema it filled
 *   DATABASE_URL=… DATABASE_SCHEMA=<schema> node bin/cowatch.js replay
 *   npx tsx bench/seed-replay-log.ts --drop <schema>
 *
 * Through the real commands, about the bench's mix: places, 1,000 screenings, one-seat holds
 * (most of the log), their payments, confirmations, cancellations and expiries, follows,
 * wishes and likes, and watch-together rooms with members, controls and chat. Talks to
 * BENCH_DATABASE_URL (default the local test database) only.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { requestPayment } from '../src/commands/billing-commands.js';
import {
  cancelBooking,
  confirmBooking,
  expireBooking,
  holdSeats,
} from '../src/commands/booking-commands.js';
import type { CommandContext } from '../src/commands/command-context.js';
import { createPlace } from '../src/commands/place-commands.js';
import {
  controlPlayback,
  openRoom,
  postChatMessage,
  setRoomMembership,
} from '../src/commands/room-commands.js';
import { scheduleScreening } from '../src/commands/schedule-screening.js';
import { setFollowing, setListed } from '../src/commands/social-commands.js';
import { loadConfig } from '../src/config.js';
import catalogue from '../src/films/catalogue.json' with { type: 'json' };
import { waitForPosition } from '../src/projections/engine/checkpoints.js';
import { Projector } from '../src/projections/engine/projector.js';
import { READ_MODELS_PROJECTOR, readModelProjections } from '../src/projections/read-models.js';
import { openRuntime, type Runtime } from '../src/runtime.js';

const url = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs `work(i)` for i in [0, count) with `width` in flight. */
async function parallel(count: number, width: number, work: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

const meta = (userId?: string) => ({ correlationId: randomUUID(), ...(userId ? { userId } : {}) });
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function seed(ctx: CommandContext, events: number): Promise<void> {
  const hosts = Array.from({ length: 10 }, () => randomUUID());
  const viewers = Array.from({ length: 500 }, () => randomUUID());
  const films = catalogue.map((film) => film.id);
  const places = hosts.flatMap((hostId) => [0, 1].map(() => ({ hostId, placeId: randomUUID() })));
  await parallel(places.length, 8, (i) => {
    const { hostId, placeId } = places[i]!;
    const input = { hostId, placeId, name: `Place ${i}`, address: null, description: null };
    return createPlace(ctx, input, meta(hostId));
  });
  const startsAt = new Date(Date.now() + 7 * 86_400_000);
  const screenings = Array.from({ length: 1_000 }, (_, i) => ({
    ...places[i % places.length]!,
    screeningId: randomUUID(),
  }));
  await parallel(screenings.length, 8, (i) => {
    const { hostId, placeId, screeningId } = screenings[i]!;
    const input = {
      screeningId,
      placeId,
      hostId,
      filmId: films[i % films.length]!,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 7_200_000),
      price: { amount: 950, currency: 'EUR' },
      seating: { kind: 'general', capacity: 10_000 } as const,
    };
    return scheduleScreening(ctx, input, meta(hostId));
  });
  // About 1 % social and 10 % rooms (as the bench's log), the rest the booking flow: a hold, most with their payment.
  const social = Math.round(events * 0.01);
  await parallel(social, 8, (i) => {
    const userId = viewers[i % viewers.length]!;
    if (i % 3 === 0) {
      const followeeId = pick(viewers);
      if (followeeId === userId) return Promise.resolve();
      return setFollowing(ctx, { followerId: userId, followeeId, follow: true }, meta(userId));
    }
    const input = {
      userId,
      filmId: pick(films),
      list: i % 3 === 1 ? 'wishlist' : 'likes',
      listed: true,
    } as const;
    return setListed(ctx, input, meta(userId));
  });
  const rooms = Math.max(1, Math.round((events * 0.1) / 14));
  await parallel(rooms, 8, async () => {
    const roomId = randomUUID();
    const hostId = pick(hosts);
    const filmId = pick(films);
    const invite = Array.from({ length: 5 }, () => pick(viewers));
    await openRoom(
      ctx,
      { roomId, filmId, hostId, durationSeconds: 5_400, invite, locked: false },
      meta(hostId),
    );
    for (const userId of invite) {
      await setRoomMembership(
        ctx,
        { roomId, userId, join: true, friendOfHost: false },
        meta(userId),
      );
    }
    for (let n = 0; n < 5; n++) {
      const control =
        n % 2 === 0
          ? ({ action: 'seek', position: n * 60 } as const)
          : ({ action: 'play' } as const);
      await controlPlayback(
        ctx,
        { roomId, userId: hostId, control, leadMs: 0, someoneBuffering: false },
        meta(hostId),
      );
    }
    for (let n = 0; n < 3; n++) {
      await postChatMessage(
        ctx,
        { roomId, userId: pick(invite), text: `hello ${n}`, mediaPosition: n },
        meta(),
      );
    }
  });
  // Expiries are decided an hour on, once the holds have run out.
  const later: CommandContext = { ...ctx, now: () => new Date(Date.now() + 3_600_000) };
  const flows = Math.round((events * 0.89) / 2.4);
  await parallel(flows, 16, async (i) => {
    const { screeningId } = pick(screenings);
    const bookingId = randomUUID();
    const userId = pick(viewers);
    const ref = { screeningId, bookingId };
    await holdSeats(ctx, { ...ref, userId, seats: null, quantity: 1 }, { metadata: meta(userId) });
    if (i % 10 === 9) return;
    const paymentId = randomUUID();
    await requestPayment(
      ctx,
      { ...ref, payment: { provider: 'simulated', paymentId } },
      { metadata: meta() },
    );
    const end = i % 10;
    if (end < 3) await confirmBooking(ctx, { ...ref, paymentId }, { metadata: meta() });
    else if (end === 3) await cancelBooking(ctx, { ...ref, userId }, { metadata: meta(userId) });
    else if (end === 4) await expireBooking(later, ref, { metadata: meta() });
  });
}

/** `cowatch replay` replays up to the live read models' checkpoint: they must be at the head. */
async function projectToHead({ store, db }: Runtime): Promise<void> {
  const head = await store.headPosition();
  if (head === undefined) return;
  const name = READ_MODELS_PROJECTOR;
  const projector = new Projector({ name, store, db, projections: readModelProjections });
  const started = performance.now();
  await projector.start();
  try {
    if (!(await waitForPosition(db, store, [name], head, { timeoutMs: 600_000 }))) {
      throw new Error('the read models did not reach the head');
    }
  } finally {
    await projector.stop();
  }
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`projected to the head in ${seconds.toFixed(1)} s\n`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--drop') {
    if (!/^replay_seed_[0-9a-f]+$/.test(args[1] ?? '')) throw new Error('--drop replay_seed_<hex>');
    await admin(`DROP SCHEMA IF EXISTS ${args[1]} CASCADE`);
    return;
  }
  if (args[0] === '--project') {
    const config = { DATABASE_URL: url, DATABASE_SCHEMA: args[1], LOG_LEVEL: 'silent' };
    const runtime = await openRuntime(loadConfig(config));
    await projectToHead(runtime).finally(() => runtime.close());
    return;
  }
  const events = Number(args[0] ?? 100_000);
  const schema = `replay_seed_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const runtime = await openRuntime(
    loadConfig({
      DATABASE_URL: url,
      DATABASE_SCHEMA: schema,
      LOG_LEVEL: 'silent',
      HOLD_TTL: '900',
    }),
  );
  try {
    const started = performance.now();
    await seed(runtime.commands, events);
    const { rows } = await sql<{ n: string }>`SELECT count(*)::text AS n FROM events`.execute(
      runtime.db,
    );
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write(`seeded ${rows[0]?.n} events in ${seconds.toFixed(1)} s\n`);
    await projectToHead(runtime);
  } finally {
    await runtime.close();
  }
  process.stdout.write(`${schema}\n`);
}

await main();
