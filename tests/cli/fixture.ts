import { randomUUID } from 'node:crypto';
import {
  cancelBooking,
  confirmBooking,
  expireBooking,
  holdSeats,
} from '../../src/commands/booking-commands.js';
import { checkInTicket } from '../../src/commands/check-in-commands.js';
import type { CommandContext } from '../../src/commands/command-context.js';
import { createPlace, deletePlace } from '../../src/commands/place-commands.js';
import { scheduleScreening } from '../../src/commands/schedule-screening.js';
import { cancelScreening } from '../../src/commands/screening-commands.js';
import catalogue from '../../src/films/catalogue.json' with { type: 'json' };

/** A clock the fixture moves by hand (holds must expire without waiting). */
export class Clock {
  #now = new Date('2030-01-01T10:00:00.000Z');
  readonly now = (): Date => new Date(this.#now);
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

/** What {@link fillStore} created. */
export interface Filled {
  readonly placeId: string;
  readonly deletedPlaceId: string;
  /** Assigned seating 3 × 4, 12.00 EUR. */
  readonly assigned: string;
  /** General admission, capacity 10, cancelled by the host. */
  readonly general: string;
  /** General admission, capacity 4, with two places held. */
  readonly small: string;
  readonly hostId: string;
}

const meta = (userId?: string) => ({ correlationId: randomUUID(), ...(userId ? { userId } : {}) });

const STARTS = new Date('2030-01-02T20:00:00.000Z');
const ENDS = new Date('2030-01-02T22:00:00.000Z');

async function schedule(
  ctx: CommandContext,
  placeId: string,
  hostId: string,
  capacity: number | null,
) {
  const screeningId = randomUUID();
  await scheduleScreening(
    ctx,
    {
      screeningId,
      placeId,
      hostId,
      filmId: catalogue[0]!.id,
      startsAt: STARTS,
      endsAt: ENDS,
      price: { amount: capacity === null ? 1200 : 800, currency: 'EUR' },
      seating:
        capacity === null
          ? { kind: 'assigned', rows: 3, seatsPerRow: 4 }
          : { kind: 'general', capacity },
    },
    meta(hostId),
  );
  return screeningId;
}

/** Fills a store through the real commands: every booking state, a cancelled screening, a deleted place. */
export async function fillStore(ctx: CommandContext, clock: Clock): Promise<Filled> {
  const [hostId, ann, bob] = [randomUUID(), randomUUID(), randomUUID()];
  const placeId = randomUUID();
  const place = { hostId, name: 'Garage Cinema', address: '1 Main St', description: null };
  await createPlace(ctx, { ...place, placeId }, meta(hostId));
  const [assigned, general, small] = [
    await schedule(ctx, placeId, hostId, null),
    await schedule(ctx, placeId, hostId, 10),
    await schedule(ctx, placeId, hostId, 4),
  ];
  const hold = async (
    screeningId: string,
    userId: string,
    seats: [number, number][],
    quantity: number | null,
  ) => {
    const bookingId = randomUUID();
    const chosen = seats.length > 0 ? seats.map(([row, number]) => ({ row, number })) : null;
    await holdSeats(
      ctx,
      { screeningId, bookingId, userId, seats: chosen, quantity },
      { metadata: meta(userId) },
    );
    return bookingId;
  };
  const confirmed = await hold(
    assigned,
    ann,
    [
      [1, 1],
      [1, 2],
    ],
    null,
  );
  await confirmBooking(
    ctx,
    { screeningId: assigned, bookingId: confirmed, paymentId: randomUUID() },
    { metadata: meta() },
  );
  await checkInTicket(
    ctx,
    { screeningId: assigned, bookingId: confirmed, hostId },
    { metadata: meta(hostId) },
  );
  const expired = await hold(assigned, bob, [[1, 3]], null);
  const cancelled = await hold(assigned, ann, [[2, 1]], null);
  await cancelBooking(
    ctx,
    { screeningId: assigned, bookingId: cancelled, userId: ann },
    { metadata: meta(ann) },
  );
  await hold(general, bob, [], 3);
  await hold(small, ann, [], 2);
  clock.advance(16 * 60_000);
  await expireBooking(ctx, { screeningId: assigned, bookingId: expired }, { metadata: meta() });
  await hold(assigned, bob, [[3, 4]], null);
  await cancelScreening(
    ctx,
    { screeningId: general, hostId, reason: 'projector broke' },
    { metadata: meta(hostId) },
  );
  const deletedPlaceId = randomUUID();
  await createPlace(ctx, { ...place, name: 'Old Barn', placeId: deletedPlaceId }, meta(hostId));
  await deletePlace(ctx, { placeId: deletedPlaceId, hostId }, meta(hostId));
  return { placeId, deletedPlaceId, assigned, general, small, hostId };
}
