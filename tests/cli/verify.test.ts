import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventStore } from '../../src/eventstore/event-store.js';
import { backends, type CliEnv, projectToHead, withRuntime } from './cli-env.js';
import { Clock, type Filled, fillStore } from './fixture.js';

/** Appends an event the deciders would have refused, at the stream's current revision. */
async function appendRaw(store: EventStore, streamId: string, type: string, data: object) {
  const { revision } = await store.read(streamId);
  const event = {
    id: randomUUID(),
    type,
    data: { ...data },
    metadata: { correlationId: randomUUID(), schemaVersion: 1 },
  };
  const result = await store.append(streamId, [event], {
    expectedRevision: revision ?? 'no_stream',
  });
  return result.nextRevision;
}

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

describe.each(backends)('verify on $name', (backend) => {
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

  it('passes on a store filled by the commands', async () => {
    const { code, out } = await env.cli(['verify']);
    expect(out).toMatch(/^verify ok: \d+ events in 5 streams up to /m);
    expect(code).toBe(0);
  });

  it('reports a projection stuck on an event it cannot apply, naming both', async () => {
    const screeningId = randomUUID();
    const poisonId = await withRuntime(env, async (runtime) => {
      await appendRaw(runtime.store, `screening-${screeningId}`, 'ScreeningScheduled', {
        screeningId,
        placeId: randomUUID(),
        hostId: randomUUID(),
        filmId: randomUUID(),
        startsAt: '9999-12-31T23:00:00.000Z',
        endsAt: '+010000-01-01T09:00:00.000Z',
        price: { amount: 100, currency: 'EUR' },
        seating: { kind: 'general', capacity: 10 },
        scheduledAt: clock.now().toISOString(),
      });
      const { events } = await runtime.store.read(`screening-${screeningId}`);
      // The other projections reach the head past it.
      await projectToHead(runtime);
      return events[0]!.id;
    });
    const { code, out } = await env.cli(['verify']);
    expect(out).toMatch(/^stuck projections \(1\):/m);
    expect(out).toMatch(new RegExp(`screenings .*ScreeningScheduled ${poisonId}`));
    expect(out).toMatch(/^verify FAILED/m);
    expect(code).toBe(1);
  });

  it('fails with the table, key, column and both values of a tampered row', async () => {
    const seats = await withRuntime(env, async ({ db }) => {
      await sql`UPDATE screenings SET seats_available = seats_available + 1
        WHERE id = ${filled.assigned}`.execute(db);
      await sql`DELETE FROM seat_claims WHERE seat_row = 3 AND seat_number = 4`.execute(db);
      const row = await db
        .selectFrom('screenings')
        .select('seats_available')
        .where('id', '=', filled.assigned)
        .executeTakeFirstOrThrow();
      return row.seats_available;
    });
    const { code, out } = await env.cli(['verify']);
    expect(code).toBe(1);
    expect(out).toContain('read-model differences (2):');
    expect(out).toMatch(
      new RegExp(
        `^screenings\\s+id=${filled.assigned}\\s+seats_available\\s+${seats}\\s+${seats - 1}$`,
        'm',
      ),
    );
    expect(out).toMatch(
      new RegExp(
        `^seat_claims\\s+screening_id=${filled.assigned} seat_row=3 seat_number=4\\s+\\(row\\)\\s+missing\\s+present$`,
        'm',
      ),
    );
    expect(out).not.toContain('invariant violations');
    expect(out).toMatch(/^verify FAILED/m);
  });

  it('names every invariant broken by events appended behind the deciders', async () => {
    const assigned = `screening-${filled.assigned}`;
    const place = `place-${filled.placeId}`;
    const found = await withRuntime(env, async (runtime) => {
      const { store } = runtime;
      const { events } = await store.read(assigned);
      const expired = events.find((e) => e.type === 'BookingExpired')!.data.bookingId;
      const hold = (screeningId: string, seats: object[], quantity: number) => ({
        screeningId,
        bookingId: randomUUID(),
        userId: randomUUID(),
        seats,
        quantity,
        amount: { amount: 0, currency: 'EUR' },
        heldAt: '2030-01-01T10:30:00.000Z',
        expiresAt: '2030-01-01T10:45:00.000Z',
      });
      const revisions = {
        oversold: await appendRaw(
          store,
          `screening-${filled.small}`,
          'SeatsHeld',
          hold(filled.small, [], 3),
        ),
        doubled: await appendRaw(
          store,
          assigned,
          'SeatsHeld',
          hold(filled.assigned, [{ row: 1, number: 1 }], 1),
        ),
        late: await appendRaw(store, assigned, 'BookingConfirmed', {
          screeningId: filled.assigned,
          bookingId: expired,
          paymentId: 'late-payment',
          confirmedAt: '2030-01-01T11:00:00.000Z',
        }),
      };
      const ghost = randomUUID();
      await appendRaw(store, place, 'ScreeningAddedToPlace', {
        placeId: filled.placeId,
        screeningId: ghost,
        startsAt: '2030-01-03T20:00:00.000Z',
      });
      await projectToHead(runtime);
      return { revisions, ghost };
    });
    const { code, out } = await env.cli(['verify']);
    expect(code).toBe(1);
    const row = (stream: string, rev: bigint | string, rule: string, message: string) =>
      new RegExp(`^${stream}\\s+${rev}\\s+${rule}\\s+${message}`, 'm');
    const { revisions, ghost } = found;
    expect(out).toMatch(
      row(`screening-${filled.small}`, revisions.oversold, 'oversold', '5 places taken of 4'),
    );
    expect(out).toMatch(
      row(assigned, revisions.doubled, 'double_booked', 'seat A1 held by booking'),
    );
    expect(out).toMatch(
      row(assigned, revisions.late, 'illegal_transition', 'booking .+: EXPIRED → CONFIRMED'),
    );
    expect(out).toMatch(
      row(place, '-', 'dangling_schedule', `lists screening ${ghost}, which does not exist`),
    );
    expect(out).toContain('invariant violations (4):');
    // The projections applied the bad events as the replay does: the read models agree.
    expect(out).not.toContain('read-model differences');
  });
});
