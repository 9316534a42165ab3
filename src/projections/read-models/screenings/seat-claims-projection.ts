import { screeningDecider } from '../../../domain/screening/index.js';
import type { RecordedEvent } from '../../../eventstore/event-store.js';
import type { Tx } from '../../db/database.js';
import type { Projection } from '../../engine/projection.js';
import { applySeatClaimsBatch } from './seat-claims-batch.js';

/** The `seat_claims` table: seats LOCKED by a hold, SOLD once confirmed, freed when it ends. */
export const seatClaimsProjection: Projection = {
  name: 'seat_claims',
  async apply(tx: Tx, event: RecordedEvent): Promise<void> {
    if (!screeningDecider.isEvent(event)) return;
    switch (event.type) {
      case 'SeatsHeld': {
        const { screeningId, bookingId, seats } = event.data;
        // General admission holds no particular seat.
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
  },
  applyBatch: (tx, events) => applySeatClaimsBatch(tx, events),
};
