import { screeningDecider } from '../../../src/domain/screening/index.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { Tx } from '../../../src/projections/db/database.js';

/** `seat_claims`, one event at a time: the oracle of the seat claims projection. */
export async function seatClaimsOneEvent(tx: Tx, event: RecordedEvent): Promise<void> {
  if (!screeningDecider.isEvent(event)) return;
  switch (event.type) {
    case 'SeatsHeld': {
      const { screeningId, bookingId, seats } = event.data;
      if (seats.length === 0) return;
      await tx
        .insertInto('seat_claims')
        .values(
          seats.map((seat) => ({
            screening_id: screeningId,
            seat_row: seat.row,
            seat_number: seat.number,
            booking_id: bookingId,
            status: 'LOCKED' as const,
          })),
        )
        .onConflict((oc) => oc.columns(['screening_id', 'seat_row', 'seat_number']).doNothing())
        .execute();
      return;
    }
    case 'BookingConfirmed':
      await tx
        .updateTable('seat_claims')
        .set({ status: 'SOLD' })
        .where('booking_id', '=', event.data.bookingId)
        .execute();
      return;
    case 'BookingExpired':
    case 'BookingCancelled':
      await tx.deleteFrom('seat_claims').where('booking_id', '=', event.data.bookingId).execute();
      return;
    case 'ScreeningScheduled':
    case 'ScreeningCancelled':
    case 'LatePaymentRejected':
    case 'PaymentRequested':
    case 'PaymentRefunded':
    case 'TicketCheckedIn':
      return;
    default: {
      const _: never = event;
      return;
    }
  }
}
