import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { holdSeats } from '../../src/commands/booking-commands.js';
import type { Db } from '../../src/projections/db/database.js';
import { readCheckpoint } from '../../src/projections/engine/checkpoints.js';
import { Projector } from '../../src/projections/engine/projector.js';
import { READ_MODELS_PROJECTOR, readModelProjections } from '../../src/projections/read-models.js';
import { readModelGroup } from '../../src/projections/replay/read-model-groups.js';
import { replayAndSwap } from '../../src/projections/replay/replay-and-swap.js';
import {
  backends,
  type CliEnv,
  type CliResult,
  projectToHead,
  readModelRows,
  withRuntime,
} from './cli-env.js';
import { Clock, type Filled, fillStore } from './fixture.js';

/** Counts rows over and over until stopped; the smallest count and any error are the verdict. */
function keepCounting(count: () => Promise<number>) {
  let stop = false;
  let min = Number.POSITIVE_INFINITY;
  let reads = 0;
  const loop = (async () => {
    while (!stop) {
      min = Math.min(min, await count());
      reads += 1;
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return { min, reads };
  };
}

const countScreenings = async (db: Db) =>
  Number(
    (
      await db
        .selectFrom('screenings')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(backends)('replay on $name', (backend) => {
  let env: CliEnv;
  let filled: Filled;
  const clock = new Clock();

  // Filled and projected once; each test gets a copy of its own (on PostgreSQL, a new fill).
  const stores = backend.seeded((fresh) =>
    withRuntime(
      fresh,
      async (runtime) => {
        const result = await fillStore(runtime.commands, clock);
        await projectToHead(runtime);
        return result;
      },
      clock.now,
    ),
  );

  beforeEach(async () => {
    ({ env, seed: filled } = await stores.create());
  });
  afterEach(() => env.dispose());
  afterAll(() => stores.dispose());

  it('rebuilds read models equal to the live ones and reports the rate', async () => {
    const tableIds = async (db: Db) => {
      const { rows } = await sql<{ oid: string }>`SELECT to_regclass('screenings')::oid::text AS oid
        UNION ALL SELECT to_regclass('screenings_film_id_idx')::oid::text`.execute(db);
      return rows.map((row) => row.oid);
    };
    const [before, ids] = await withRuntime(env, async ({ db }) => [
      await readModelRows(db),
      await tableIds(db),
    ]);
    const result = await env.cli(['replay']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      /^replayed \d+ events in [\d.]+ s \(\d+ events\/s\); swapped in places, screenings, bookings, seat_claims, rooms, room_members, room_invites, room_messages, follows, follow_counts, friends, wishes, likes, friend_wants at position /,
    );
    expect(result.err).toMatch(/replay \[#+\] 100% \d+ events/);
    await withRuntime(env, async ({ db, store }) => {
      expect(await readModelRows(db)).toEqual(before);
      expect(await readCheckpoint(db, READ_MODELS_PROJECTOR)).toBe(await store.headPosition());
      // New tables, with the migration's index names: swapped in, not refilled in place.
      const swapped = await tableIds(db);
      expect(swapped[0]).not.toBe(ids[0]);
      expect(swapped[1]).not.toBe(ids[1]);
      expect(swapped[1]).not.toBeNull();
      if (backend.name === 'pglite') {
        // On a shared PostgreSQL, other test files' replays have scratch schemas of their own.
        const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n
          FROM information_schema.schemata WHERE schema_name LIKE 'cowatch_rebuild_%'`.execute(db);
        expect(rows[0]?.n, 'the scratch schema is gone').toBe(0);
      }
    });
  });

  it('repairs a tampered table, and --projection rebuilds only its own tables', async () => {
    const before = await withRuntime(env, async (runtime) => {
      const rows = await readModelRows(runtime.db);
      await sql`UPDATE screenings SET seats_available = 99`.execute(runtime.db);
      await sql`UPDATE places SET name = 'Tampered'`.execute(runtime.db);
      return rows;
    });
    expect((await env.cli(['replay', '--projection', 'screenings'])).code).toBe(0);
    await withRuntime(env, async ({ db }) => {
      const after = await readModelRows(db);
      expect(after.screenings).toEqual(before.screenings);
      expect(after.bookings).toEqual(before.bookings);
      expect(after.places.map((p) => p.name)).toEqual(['Tampered', 'Tampered']);
    });
    expect((await env.cli(['replay', '--projection', 'places'])).code).toBe(0);
    await withRuntime(env, async ({ db }) => expect(await readModelRows(db)).toEqual(before));
  });

  it('refuses an unknown projection', async () => {
    const result: CliResult = await env.cli(['replay', '--projection', 'films']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /unknown projection films: expected read-models, places, screenings/,
    );
  });

  it('swaps while readers keep reading and writers keep writing', async () => {
    const runtime = await env.open(clock.now);
    const { store, db } = runtime;
    const projections = readModelProjections;
    const projector = new Projector({
      name: READ_MODELS_PROJECTOR,
      store,
      db,
      projections,
      retryMs: 20,
    });
    try {
      await projector.start();
      const stopCounting = keepCounting(() => countScreenings(runtime.db));
      let writes = 0;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          const bookingId = randomUUID();
          const input = {
            screeningId: filled.small,
            bookingId,
            userId: randomUUID(),
            seats: null,
            quantity: 1,
          };
          // The screening is soon full: a refusal is an outcome too, and no write.
          await holdSeats(runtime.commands, input, {
            metadata: { correlationId: bookingId },
          }).catch(() => undefined);
          writes += 1;
        }
      })();
      const replayed =
        backend.name === 'postgres'
          ? await env.cli(['replay'])
          : await replayAndSwap({
              store: runtime.store,
              db: runtime.db,
              ...readModelGroup('read-models')!,
            });
      writing = false;
      await writer;
      const { min, reads } = await stopCounting();
      expect(replayed).toMatchObject(
        backend.name === 'postgres'
          ? { code: 0 }
          : {
              tables: [
                'places',
                'screenings',
                'bookings',
                'seat_claims',
                'rooms',
                'room_members',
                'room_invites',
                'room_messages',
                'follows',
                'follow_counts',
                'friends',
                'wishes',
                'likes',
                'friend_wants',
              ],
            },
      );
      expect(reads).toBeGreaterThan(0);
      expect(writes).toBeGreaterThan(0);
      expect(min, 'no reader ever saw an empty screenings table').toBe(3);
      await projector.stop();
      await projectToHead(runtime);
    } finally {
      await projector.stop();
      await runtime.close();
    }
    const verified = await env.cli(['verify']);
    expect(verified.out).toMatch(/^verify ok/m);
    expect(verified.code).toBe(0);
  });
});
