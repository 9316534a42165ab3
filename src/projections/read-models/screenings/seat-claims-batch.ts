import { type RawBuilder, sql } from 'kysely';
import { screeningDecider } from '../../../domain/screening/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { SeatClaimsTable, Tx } from '../../db/database.js';
import { anyUuid, chunks, uuidKey } from '../../engine/batch-sql.js';
import type { ScreeningRecord } from './screening-batch-load.js';

type Claim = SeatClaimsTable;
type SeatKey = Pick<Claim, 'screening_id' | 'seat_row' | 'seat_number'>;

/** Applies a batch to `seat_claims`: loads the claims it touches, moves them, writes the diff. */
export async function applySeatClaimsBatch(tx: Tx, batch: readonly RecordedEvent[]): Promise<void> {
  const events = batch.filter((event) => screeningDecider.isEvent(event));
  const touched = touchedBy(events);
  if (touched.bookings.size === 0 && touched.seats.length === 0) return;
  const before = await load(tx, touched.bookings, touched.seats);
  const claims = new Map(before);
  const byBooking = new Map<string, Set<string>>();
  for (const [key, claim] of claims) seatsOf(byBooking, claim.booking_id).add(key);
  for (const event of events) apply(claims, byBooking, event);
  const gone = [...before.keys()].filter((key) => !claims.has(key));
  const written = [...claims].filter(([key, claim]) => !sameClaim(before.get(key), claim));
  if (gone.length > 0) {
    await tx
      .deleteFrom('seat_claims')
      .where(inSeats(gone.map((key) => before.get(key)).filter((c) => c !== undefined)))
      .execute();
  }
  for (const rows of chunks(written.map(([, claim]) => claim))) {
    await tx
      .insertInto('seat_claims')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['screening_id', 'seat_row', 'seat_number']).doUpdateSet((eb) => ({
          booking_id: eb.ref('excluded.booking_id'),
          status: eb.ref('excluded.status'),
        })),
      )
      .execute();
  }
}

/** One event: LOCKED by a hold unless taken, SOLD once confirmed, freed at the end. */
function apply(
  claims: Map<string, Claim>,
  byBooking: Map<string, Set<string>>,
  event: ScreeningRecord,
): void {
  switch (event.type) {
    case 'SeatsHeld': {
      const { screeningId, bookingId, seats } = event.data;
      for (const seat of seats) {
        const claim: Claim = {
          screening_id: uuidKey(screeningId),
          seat_row: seat.row,
          seat_number: seat.number,
          booking_id: uuidKey(bookingId),
          status: 'LOCKED',
        };
        const key = keyOf(claim);
        if (claims.has(key)) continue;
        claims.set(key, claim);
        seatsOf(byBooking, claim.booking_id).add(key);
      }
      return;
    }
    case 'BookingConfirmed':
      ofBooking(claims, byBooking, event.data.bookingId, (key, claim) => {
        claims.set(key, { ...claim, status: 'SOLD' });
      });
      return;
    case 'BookingExpired':
    case 'BookingCancelled':
      ofBooking(claims, byBooking, event.data.bookingId, (key) => {
        claims.delete(key);
      });
      return;
    default:
      return;
  }
}

/** Calls `fn` on each claim the booking holds now. */
function ofBooking(
  claims: Map<string, Claim>,
  byBooking: Map<string, Set<string>>,
  bookingId: string,
  fn: (key: string, claim: Claim) => void,
): void {
  const id = uuidKey(bookingId);
  for (const key of byBooking.get(id) ?? []) {
    const claim = claims.get(key);
    if (claim?.booking_id === id) fn(key, claim);
  }
}

function seatsOf(byBooking: Map<string, Set<string>>, bookingId: string): Set<string> {
  const seats = byBooking.get(bookingId) ?? new Set<string>();
  byBooking.set(bookingId, seats);
  return seats;
}

function touchedBy(events: readonly ScreeningRecord[]) {
  const bookings = new Set<string>();
  const seats: SeatKey[] = [];
  for (const event of events) {
    if (event.type === 'SeatsHeld') {
      const screening_id = uuidKey(event.data.screeningId);
      for (const { row, number } of event.data.seats) {
        seats.push({ screening_id, seat_row: row, seat_number: number });
      }
    } else if (event.type !== 'ScreeningScheduled' && event.type !== 'ScreeningCancelled') {
      bookings.add(uuidKey(event.data.bookingId));
    }
  }
  return { bookings, seats };
}

async function load(
  tx: Tx,
  bookings: ReadonlySet<string>,
  seats: readonly SeatKey[],
): Promise<Map<string, Claim>> {
  const rows = await tx
    .selectFrom('seat_claims')
    .selectAll()
    .where((eb) => eb.or([eb('booking_id', '=', anyUuid(bookings)), inSeats(seats)]))
    .execute();
  return new Map(rows.map((row) => [keyOf(row), row]));
}

/** `(screening_id, seat_row, seat_number) IN (…)`, as three array parameters. */
function inSeats(seats: readonly SeatKey[]): RawBuilder<boolean> {
  const screenings = seats.map((seat) => seat.screening_id);
  const rows = seats.map((seat) => seat.seat_row);
  const numbers = seats.map((seat) => seat.seat_number);
  return sql<boolean>`(screening_id, seat_row, seat_number) in (select * from unnest(
    ${screenings}::uuid[], ${rows}::int[], ${numbers}::int[]))`;
}

const keyOf = (seat: SeatKey): string =>
  `${seat.screening_id}/${seat.seat_row}/${seat.seat_number}`;

function sameClaim(a: Claim | undefined, b: Claim): boolean {
  return a !== undefined && a.booking_id === b.booking_id && a.status === b.status;
}
