import { capacityOf } from '../../../domain/seat.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { NewScreeningRow, Tx } from '../../db/database.js';
import { uuidKey } from '../../engine/batch-sql.js';
import type { ProjectionContext } from '../../engine/projection.js';
import { type Draft, type DraftView, draftsFor } from '../notifications/notification-drafts.js';
import { BatchBookings, type BookingState } from './batch-bookings.js';
import {
  loadScreeningBatch,
  type ScreeningBatchRows,
  type ScreeningRecord,
} from './screening-batch-load.js';

type Event<T extends ScreeningRecord['type']> = Extract<ScreeningRecord, { type: T }>;

interface Tracked {
  readonly row: NewScreeningRow;
  changed: boolean;
}

const KEY = Symbol('screening-batch');

/** The batch's unit of work, computed once and shared by the projections that write from it. */
export function screeningBatchOf(
  tx: Tx,
  events: readonly RecordedEvent[],
  context: ProjectionContext,
): Promise<ScreeningBatch> {
  return context.shared(KEY, async () => new ScreeningBatch(await loadScreeningBatch(tx, events)));
}

/**
 * Screenings, bookings and notifications of one batch, worked out in memory from the rows
 * before it: each event goes through the screenings step, then the bookings step, then the
 * notifications step, as if each projection applied it alone in that order.
 */
export class ScreeningBatch {
  readonly #screenings = new Map<string, Tracked>();
  readonly #bookings: BatchBookings;
  readonly #rows: ScreeningBatchRows;
  /** The notifications each event gives rise to, in log order. */
  readonly notifications: { readonly eventId: string; readonly drafts: Draft[] }[] = [];

  constructor(rows: ScreeningBatchRows) {
    this.#rows = rows;
    for (const row of rows.screenings) this.#screenings.set(row.id, { row, changed: false });
    this.#bookings = new BatchBookings(rows.bookings);
    for (const event of rows.events) this.#apply(event);
  }

  /** Screening rows inserted or updated by the batch. */
  changedScreenings(): NewScreeningRow[] {
    return [...this.#screenings.values()].filter((s) => s.changed).map((s) => s.row);
  }

  /** Booking rows inserted or updated by the batch. */
  changedBookings(): BookingState[] {
    return this.#bookings.changed();
  }

  #apply(event: ScreeningRecord): void {
    this.#screeningStep(event);
    this.#bookings.apply(event, (id) => this.#screenings.get(uuidKey(id))?.row.host_id);
    const drafts = draftsFor(event, this.#view);
    if (drafts.length > 0) this.notifications.push({ eventId: event.id, drafts });
  }

  #screeningStep(event: ScreeningRecord): void {
    const version = Number(event.revision);
    const id = uuidKey(event.data.screeningId);
    switch (event.type) {
      case 'ScreeningScheduled':
        if (!this.#screenings.has(id)) this.#screenings.set(id, this.#scheduled(event, version));
        return;
      case 'ScreeningCancelled':
        this.#updateScreening(id, version, 'cancelled');
        return;
      case 'SeatsHeld':
        this.#updateScreening(id, version, -event.data.quantity);
        return;
      case 'BookingExpired':
      case 'BookingCancelled':
        // Read before the bookings step: only a live booking gives any places back.
        this.#updateScreening(id, version, this.#bookings.liveQuantity(event.data.bookingId));
        return;
      case 'BookingConfirmed':
      case 'LatePaymentRejected':
      case 'PaymentRequested':
      case 'PaymentRefunded':
      case 'TicketCheckedIn':
        this.#updateScreening(id, version, 0);
        return;
      default: {
        const _: never = event;
        return;
      }
    }
  }

  #scheduled(event: Event<'ScreeningScheduled'>, version: number): Tracked {
    const { screeningId, placeId, hostId, filmId, startsAt, endsAt, price, seating } = event.data;
    const row: NewScreeningRow = {
      id: uuidKey(screeningId),
      place_id: uuidKey(placeId),
      host_id: uuidKey(hostId),
      film_id: uuidKey(filmId),
      // A film missing from the catalogue must not stop the projector.
      film_title: this.#rows.filmTitles.get(uuidKey(filmId)) ?? '',
      place_name: this.#rows.placeNames.get(uuidKey(placeId)) ?? '',
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
    return { row, changed: true };
  }

  #updateScreening(id: string, version: number, change: number | 'cancelled'): void {
    const screening = this.#screenings.get(id);
    if (!screening) return;
    const { row } = screening;
    row.version = version;
    if (change === 'cancelled') row.status = 'cancelled';
    else row.seats_available += change;
    screening.changed = true;
  }

  /** The read models as the notifications step of the current event sees them. */
  readonly #view: DraftView = {
    screening: (screeningId) => this.#screenings.get(uuidKey(screeningId))?.row,
    booking: (bookingId) => {
      const booking = this.#bookings.get(bookingId);
      const screening = booking && this.#screenings.get(booking.screening_id)?.row;
      if (!booking || !screening) return undefined;
      return { ...booking, film_title: screening.film_title, starts_at: screening.starts_at };
    },
    liveBookings: (screeningId) => this.#bookings.live(screeningId),
  };
}
