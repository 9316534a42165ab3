import { z } from 'zod';
import type { Db, ScreeningRow } from '../../projections/db/database.js';
import { bookingCursor, toBooking } from '../bookings/booking-queries.js';
import { cursorId, cursorTime, decodeCursor, toPage } from '../pagination.js';
import type { Screening, SeatMap } from '../schemas/screening.js';

const screeningCursor = z.object({ startsAt: cursorTime, id: cursorId });

interface Page {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** Filters of a screening search; every one given must match. */
export interface ScreeningSearch extends Page {
  readonly hostId?: string | undefined;
  readonly filmId?: string | undefined;
  readonly placeId?: string | undefined;
  /** Starts at or after (inclusive). */
  readonly from?: string | undefined;
  /** Starts before (exclusive). */
  readonly to?: string | undefined;
  readonly status?: ScreeningRow['status'] | undefined;
}

function toScreening(row: ScreeningRow): Screening {
  return {
    id: row.id,
    placeId: row.place_id,
    hostId: row.host_id,
    filmId: row.film_id,
    film: { id: row.film_id, title: row.film_title },
    place: { id: row.place_id, name: row.place_name },
    startsAt: new Date(row.starts_at).toISOString(),
    endsAt: new Date(row.ends_at).toISOString(),
    status: row.status,
    seating: row.seating,
    capacity: row.capacity,
    seatsAvailable: row.seats_available,
    price: { amount: row.price_amount, currency: row.price_currency },
    version: row.version,
  };
}

/** The screening with this id, whatever its status. */
export async function findScreening(db: Db, id: string): Promise<Screening | undefined> {
  const row = await db.selectFrom('screenings').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toScreening(row);
}

/** Screenings matching every given filter, ordered by (startsAt, id) and keyset-paged. */
export async function searchScreenings(db: Db, search: ScreeningSearch) {
  let query = db.selectFrom('screenings').selectAll();
  if (search.hostId) query = query.where('host_id', '=', search.hostId);
  if (search.filmId) query = query.where('film_id', '=', search.filmId);
  if (search.placeId) query = query.where('place_id', '=', search.placeId);
  if (search.status) query = query.where('status', '=', search.status);
  if (search.from) query = query.where('starts_at', '>=', new Date(search.from));
  if (search.to) query = query.where('starts_at', '<', new Date(search.to));
  if (search.cursor !== undefined) {
    const after = decodeCursor(search.cursor, screeningCursor);
    query = query.where((eb) =>
      eb(eb.refTuple('starts_at', 'id'), '>', eb.tuple(after.startsAt, after.id)),
    );
  }
  const rows = await query
    .orderBy('starts_at')
    .orderBy('id')
    .limit(search.limit + 1)
    .execute();
  return toPage(rows, search.limit, toScreening, (row) => ({
    startsAt: new Date(row.starts_at).toISOString(),
    id: row.id,
  }));
}

/** The seat map of a screening: every seat of an assigned plan, row-major, with its claim. */
export async function findSeatMap(db: Db, id: string): Promise<SeatMap | undefined> {
  const row = await db.selectFrom('screenings').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const base = {
    screeningId: row.id,
    seating: row.seating,
    capacity: row.capacity,
    available: row.seats_available,
  };
  if (row.seating === 'general' || row.seat_rows === null || row.seats_per_row === null) {
    return { ...base, seats: [] };
  }
  const claims = await db
    .selectFrom('seat_claims')
    .select(['seat_row', 'seat_number', 'status'])
    .where('screening_id', '=', id)
    .execute();
  const claimed = new Map(claims.map((c) => [`${c.seat_row}:${c.seat_number}`, c.status]));
  const seats: SeatMap['seats'] = [];
  for (let r = 1; r <= row.seat_rows; r++) {
    for (let n = 1; n <= row.seats_per_row; n++) {
      seats.push({ row: r, number: n, status: claimed.get(`${r}:${n}`) ?? 'AVAILABLE' });
    }
  }
  return { ...base, seats };
}

/** Every booking of a screening, oldest first, keyset-paged on (createdAt, id). */
export async function listScreeningBookings(db: Db, screeningId: string, page: Page) {
  let query = db.selectFrom('bookings').selectAll().where('screening_id', '=', screeningId);
  if (page.cursor !== undefined) {
    const after = decodeCursor(page.cursor, bookingCursor);
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(after.createdAt, after.id)),
    );
  }
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  return toPage(rows, page.limit, toBooking, (row) => ({
    createdAt: new Date(row.created_at).toISOString(),
    id: row.id,
  }));
}
