import { type ScreeningEvent, screeningDecider } from '../../../src/domain/screening/index.js';
import { capacityOf } from '../../../src/domain/seat.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { NewScreeningRow, Tx } from '../../../src/projections/db/database.js';

type Scheduled = Extract<ScreeningEvent, { type: 'ScreeningScheduled' }>;

/**
 * `screenings`, one event at a time: the oracle of the screenings projection. It reads the
 * booking's status before the bookings oracle changes it.
 */
export async function screeningsOneEvent(tx: Tx, event: RecordedEvent): Promise<void> {
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
}

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
