import { type ScreeningEvent, screeningDecider } from '../../../domain/screening/index.js';
import { capacityOf } from '../../../domain/seat.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { NewScreeningRow, Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';
import { screeningBatchOf } from './screening-batch.js';

type Scheduled = Extract<ScreeningEvent, { type: 'ScreeningScheduled' }>;

/**
 * The `screenings` table: search fields, seats left and the version (stream revision, the
 * ETag). It reads `places`, `films` and the booking's status before the bookings projection
 * changes it, so it runs after the places projection and before the bookings projection.
 */
export const screeningsProjection: Projection = {
  name: 'screenings',
  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!screeningDecider.isEvent(event)) return;
    const version = Number(event.revision);
    switch (event.type) {
      case 'ScreeningScheduled':
        await insertScreening(tx, event, version);
        return;
      case 'ScreeningCancelled':
        await update(tx, event.data.screeningId, version, { status: 'cancelled' });
        return;
      case 'SeatsHeld':
        await update(tx, event.data.screeningId, version, -event.data.quantity);
        return;
      case 'BookingExpired':
      case 'BookingCancelled': {
        const released = await liveQuantity(tx, event.data.bookingId);
        await update(tx, event.data.screeningId, version, released);
        return;
      }
      case 'BookingConfirmed':
      case 'LatePaymentRejected':
      case 'PaymentRequested':
      case 'PaymentRefunded':
      case 'TicketCheckedIn':
        await update(tx, event.data.screeningId, version, 0);
        return;
      default: {
        const _: never = event;
        return;
      }
    }
  },
  async applyBatch(tx, events, context): Promise<void> {
    const batch = await screeningBatchOf(tx, events, context);
    for (const rows of chunks(batch.changedScreenings())) {
      await tx
        .insertInto('screenings')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            seats_available: eb.ref('excluded.seats_available'),
            version: eb.ref('excluded.version'),
          })),
        )
        .execute();
    }
  },
};

async function insertScreening(tx: Tx, event: Scheduled, version: number): Promise<void> {
  const { screeningId, placeId, hostId, filmId, startsAt, endsAt, price, seating } = event.data;
  const film = await tx
    .selectFrom('films')
    .select('title')
    .where('id', '=', filmId)
    .executeTakeFirst();
  const place = await tx
    .selectFrom('places')
    .select('name')
    .where('id', '=', placeId)
    .executeTakeFirst();
  const row: NewScreeningRow = {
    id: screeningId,
    place_id: placeId,
    host_id: hostId,
    film_id: filmId,
    // A film missing from the catalogue must not stop the projector.
    film_title: film?.title ?? '',
    place_name: place?.name ?? '',
    starts_at: startsAt,
    ends_at: endsAt,
    status: 'scheduled',
    seating: seating.kind,
    capacity: capacityOf(seating),
    seat_rows: seating.kind === 'assigned' ? seating.rows : null,
    seats_per_row: seating.kind === 'assigned' ? seating.seatsPerRow : null,
    seats_available: capacityOf(seating),
    price_amount: price.amount,
    price_currency: price.currency,
    version,
  };
  await tx
    .insertInto('screenings')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** Places a booking still holds: only a live booking gives any back when it ends. */
async function liveQuantity(tx: Tx, bookingId: string): Promise<number> {
  const booking = await tx
    .selectFrom('bookings')
    .select('quantity')
    .where('id', '=', bookingId)
    .where('status', 'in', ['PENDING', 'CONFIRMED'])
    .executeTakeFirst();
  return booking?.quantity ?? 0;
}

/** Sets the version and either a status or a change of the seats available. */
async function update(
  tx: Tx,
  screeningId: string,
  version: number,
  change: number | { readonly status: 'cancelled' },
): Promise<void> {
  await tx
    .updateTable('screenings')
    .set((eb) =>
      typeof change === 'number'
        ? { version, seats_available: eb('seats_available', '+', change) }
        : { version, status: change.status },
    )
    .where('id', '=', screeningId)
    .execute();
}
