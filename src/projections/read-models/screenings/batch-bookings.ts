import type { BookingRow } from '../../db/database.js';
import { uuidKey } from '../../engine/batch-sql.js';
import type { ScreeningRecord } from './screening-batch-load.js';

type Status = BookingRow['status'];
type Event<T extends ScreeningRecord['type']> = Extract<ScreeningRecord, { type: T }>;

/** A booking row as a batch holds it: loaded, or new from a SeatsHeld in the batch. */
export type BookingState = Omit<BookingRow, 'expires_at' | 'created_at' | 'updated_at'> & {
  readonly expires_at: Date | string;
  readonly created_at: Date | string;
  updated_at: Date | string;
};

interface Tracked {
  readonly row: BookingState;
  changed: boolean;
}

const LIVE: readonly Status[] = ['PENDING', 'CONFIRMED'];

/** The bookings a batch touches, moved through its events in memory as the projection would. */
export class BatchBookings {
  readonly #bookings = new Map<string, Tracked>();

  constructor(rows: readonly BookingRow[]) {
    for (const row of rows) this.#bookings.set(row.id, { row, changed: false });
  }

  /** Rows inserted or updated so far. */
  changed(): BookingState[] {
    return [...this.#bookings.values()].filter((b) => b.changed).map((b) => b.row);
  }

  get(bookingId: string): BookingState | undefined {
    return this.#bookings.get(uuidKey(bookingId))?.row;
  }

  /** Places a booking still holds: only a live booking gives any back when it ends. */
  liveQuantity(bookingId: string): number {
    const booking = this.get(bookingId);
    return booking && LIVE.includes(booking.status) ? booking.quantity : 0;
  }

  /** The screening's live bookings, `ORDER BY created_at, id`. */
  live(screeningId: string): BookingState[] {
    const id = uuidKey(screeningId);
    return [...this.#bookings.values()]
      .map((booking) => booking.row)
      .filter((booking) => booking.screening_id === id && LIVE.includes(booking.status))
      .sort(byCreation);
  }

  /** Applies one event; `hostOf` gives the host of a screening that exists now. */
  apply(event: ScreeningRecord, hostOf: (screeningId: string) => string | undefined): void {
    switch (event.type) {
      case 'SeatsHeld':
        this.#held(event, hostOf(event.data.screeningId));
        return;
      case 'BookingConfirmed':
        this.#setStatus(event.data.bookingId, 'CONFIRMED', event.data.confirmedAt);
        return;
      case 'BookingExpired':
        this.#setStatus(event.data.bookingId, 'EXPIRED', event.data.expiredAt);
        return;
      case 'BookingCancelled':
        this.#setStatus(event.data.bookingId, 'CANCELLED', event.data.cancelledAt);
        return;
      case 'PaymentRequested':
        this.#update(event.data.bookingId, event.data.requestedAt, (row) => {
          // Only the reference: a secret must not reach a row the host can read.
          row.payment = {
            provider: event.data.payment.provider,
            paymentId: event.data.payment.paymentId,
          };
        });
        return;
      case 'ScreeningScheduled':
      case 'ScreeningCancelled':
      case 'LatePaymentRejected':
      case 'PaymentRefunded':
      case 'TicketCheckedIn':
        return;
      default: {
        const _: never = event;
        return;
      }
    }
  }

  #held(event: Event<'SeatsHeld'>, hostId: string | undefined): void {
    const { screeningId, bookingId, userId, seats, quantity, amount, heldAt } = event.data;
    // Seats on a screening nobody scheduled cannot be held: the aggregate refuses them.
    if (hostId === undefined || this.#bookings.has(uuidKey(bookingId))) return;
    const row: BookingState = {
      id: uuidKey(bookingId),
      screening_id: uuidKey(screeningId),
      user_id: uuidKey(userId),
      host_id: hostId,
      status: 'PENDING',
      seats: seats.map(({ row, number }) => ({ row, number })),
      quantity,
      amount: amount.amount,
      currency: amount.currency,
      expires_at: event.data.expiresAt,
      created_at: heldAt,
      updated_at: heldAt,
      payment: null,
    };
    this.#bookings.set(row.id, { row, changed: true });
  }

  /** As the aggregate decides: only a pending booking is confirmed, only a live one ends. */
  #setStatus(bookingId: string, status: Status, at: string): void {
    if (!LIVE.includes(this.get(bookingId)?.status ?? 'EXPIRED')) return;
    this.#update(bookingId, at, (row) => {
      row.status = status;
    });
  }

  #update(bookingId: string, at: string, change: (row: BookingState) => void): void {
    const booking = this.#bookings.get(uuidKey(bookingId));
    if (!booking) return;
    change(booking.row);
    booking.row.updated_at = at;
    booking.changed = true;
  }
}

function byCreation(a: BookingState, b: BookingState): number {
  const at = new Date(a.created_at).getTime() - new Date(b.created_at).getTime();
  if (at !== 0) return at;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
