import type { NewBookingRow } from '../../db/database.js';
import { chunks } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';
import type { BookingState } from './batch-bookings.js';
import { screeningBatchOf } from './screening-batch.js';

/** The `bookings` table: one row per booking with its status; host_id comes from `screenings`. */
export const bookingsProjection: Projection = {
  name: 'bookings',
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

function toRow(booking: BookingState): NewBookingRow {
  const { seats, payment } = booking;
  return {
    ...booking,
    seats: JSON.stringify(seats),
    payment: payment === null ? null : JSON.stringify(payment),
  };
}
