import { type ScreeningEvent, screeningDecider } from '../../../domain/screening/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { BookingRow, ScreeningRow, Tx } from '../../db/database.js';
import { anyUuid, uuidKey } from '../../engine/batch-sql.js';

/** A screening event as the feed delivers it. */
export type ScreeningRecord = RecordedEvent & ScreeningEvent;

/** The rows a batch of screening events reads, as they stood before the batch. */
export interface ScreeningBatchRows {
  readonly events: readonly ScreeningRecord[];
  readonly screenings: readonly ScreeningRow[];
  /** Bookings the events name, and the live bookings of screenings the events cancel. */
  readonly bookings: readonly BookingRow[];
  /** Film titles and place names of the screenings the batch schedules, by id. */
  readonly filmTitles: ReadonlyMap<string, string>;
  readonly placeNames: ReadonlyMap<string, string>;
}

/** Loads, in one query per table, every row the batch's screening events read. */
export async function loadScreeningBatch(
  tx: Tx,
  batch: readonly RecordedEvent[],
): Promise<ScreeningBatchRows> {
  const events = batch.filter((event) => screeningDecider.isEvent(event));
  const ids = idsOf(events);
  // One connection per transaction: the queries run one after the other in any case.
  const screenings =
    ids.screenings.size === 0
      ? []
      : await tx
          .selectFrom('screenings')
          .selectAll()
          .where('id', '=', anyUuid(ids.screenings))
          .execute();
  const bookings = await loadBookings(tx, ids.bookings, ids.cancelled);
  const films =
    ids.films.size === 0
      ? []
      : await tx
          .selectFrom('films')
          .select(['id', 'title'])
          .where('id', '=', anyUuid(ids.films))
          .execute();
  const places =
    ids.places.size === 0
      ? []
      : await tx
          .selectFrom('places')
          .select(['id', 'name'])
          .where('id', '=', anyUuid(ids.places))
          .execute();
  return {
    events,
    screenings,
    bookings,
    filmTitles: new Map(films.map((film) => [film.id, film.title])),
    placeNames: new Map(places.map((place) => [place.id, place.name])),
  };
}

async function loadBookings(
  tx: Tx,
  ids: ReadonlySet<string>,
  cancelled: ReadonlySet<string>,
): Promise<BookingRow[]> {
  if (ids.size === 0 && cancelled.size === 0) return [];
  return tx
    .selectFrom('bookings')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('id', '=', anyUuid(ids)),
        eb.and([
          eb('screening_id', '=', anyUuid(cancelled)),
          eb('status', 'in', ['PENDING', 'CONFIRMED']),
        ]),
      ]),
    )
    .execute();
}

function idsOf(events: readonly ScreeningRecord[]) {
  const ids = {
    screenings: new Set<string>(),
    bookings: new Set<string>(),
    cancelled: new Set<string>(),
    films: new Set<string>(),
    places: new Set<string>(),
  };
  for (const event of events) {
    ids.screenings.add(uuidKey(event.data.screeningId));
    if (event.type === 'ScreeningCancelled') {
      ids.cancelled.add(uuidKey(event.data.screeningId));
    } else if (event.type === 'ScreeningScheduled') {
      ids.films.add(uuidKey(event.data.filmId));
      ids.places.add(uuidKey(event.data.placeId));
    } else {
      ids.bookings.add(uuidKey(event.data.bookingId));
    }
  }
  return ids;
}
