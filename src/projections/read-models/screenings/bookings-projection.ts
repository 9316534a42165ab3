import {
  type Payment,
  type ScreeningEvent,
  screeningDecider,
} from '../../../domain/screening/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { BookingRow, NewBookingRow, Tx } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';
import type { BookingState } from './batch-bookings.js';
import { screeningBatchOf } from './screening-batch.js';

type SeatsHeld = Extract<ScreeningEvent, { type: 'SeatsHeld' }>;
type Status = BookingRow['status'];

const LIVE: Status[] = ['PENDING', 'CONFIRMED'];

/** The `bookings` table: one row per booking with its status; host_id comes from `screenings`. */
export const bookingsProjection: Projection = {
  name: 'bookings',
  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!screeningDecider.isEvent(event)) return;
    switch (event.type) {
      case 'SeatsHeld':
        await insertBooking(tx, event);
        return;
      case 'BookingConfirmed':
        await setStatus(tx, event.data.bookingId, 'CONFIRMED', event.data.confirmedAt);
        return;
      case 'BookingExpired':
        await setStatus(tx, event.data.bookingId, 'EXPIRED', event.data.expiredAt);
        return;
      case 'BookingCancelled':
        await setStatus(tx, event.data.bookingId, 'CANCELLED', event.data.cancelledAt);
        return;
      case 'PaymentRequested':
        await tx
          .updateTable('bookings')
          .set({
            payment: JSON.stringify(paymentRef(event.data.payment)),
            updated_at: event.data.requestedAt,
          })
          .where('id', '=', event.data.bookingId)
          .execute();
        return;
      case 'ScreeningScheduled':
      case 'ScreeningCancelled':
      case 'LatePaymentRejected':
      case 'PaymentRefunded':
      case 'TicketCheckedIn':
        // Cancelling a screening appends one BookingCancelled per live booking; refunds
        // belong to billing and the notifications inbox.
        return;
      default: {
        const _: never = event;
        return;
      }
    }
  },
  async applyBatch(tx, events, context): Promise<void> {
    const batch = await screeningBatchOf(tx, events, context);
    for (const rows of chunks(batch.changedBookings().map(toRow))) {
      await tx
        .insertInto('bookings')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            updated_at: eb.ref('excluded.updated_at'),
            payment: eb.ref('excluded.payment'),
          })),
        )
        .execute();
    }
  },
};

/** Only the reference is kept: a secret must not reach a row the host can read. */
function paymentRef({ provider, paymentId }: Payment): Payment {
  return { provider, paymentId };
}

function toRow(booking: BookingState): NewBookingRow {
  const { seats, payment } = booking;
  return {
    ...booking,
    seats: JSON.stringify(seats),
    payment: payment === null ? null : JSON.stringify(payment),
  };
}

async function insertBooking(tx: Tx, event: SeatsHeld): Promise<void> {
  const { screeningId, bookingId, userId, seats, quantity, amount, heldAt, expiresAt } = event.data;
  const screening = await tx
    .selectFrom('screenings')
    .select('host_id')
    .where('id', '=', screeningId)
    .executeTakeFirst();
  // Seats on a screening nobody scheduled cannot be held: the aggregate refuses them.
  if (screening === undefined) return;
  await tx
    .insertInto('bookings')
    .values({
      id: bookingId,
      screening_id: screeningId,
      user_id: userId,
      host_id: screening.host_id,
      status: 'PENDING',
      seats: JSON.stringify(seats.map(({ row, number }) => ({ row, number }))),
      quantity,
      amount: amount.amount,
      currency: amount.currency,
      expires_at: expiresAt,
      created_at: heldAt,
      updated_at: heldAt,
      payment: null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

/** As the aggregate decides: only a pending booking is confirmed, only a live one ends. */
async function setStatus(tx: Tx, bookingId: string, status: Status, at: string): Promise<void> {
  const from: Status[] = status === 'CONFIRMED' ? ['PENDING', 'CONFIRMED'] : LIVE;
  await tx
    .updateTable('bookings')
    .set({ status, updated_at: at })
    .where('id', '=', bookingId)
    .where('status', 'in', from)
    .execute();
}
