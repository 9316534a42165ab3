import { type ScreeningEvent, screeningDecider } from '../../../src/domain/screening/index.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { BookingRow, Tx } from '../../../src/projections/db/database.js';

type SeatsHeld = Extract<ScreeningEvent, { type: 'SeatsHeld' }>;
type Status = BookingRow['status'];

const LIVE: Status[] = ['PENDING', 'CONFIRMED'];

/** `bookings`, one event at a time: the oracle of the bookings projection. */
export async function bookingsOneEvent(tx: Tx, event: RecordedEvent): Promise<void> {
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
    case 'PaymentRequested': {
      const { provider, paymentId } = event.data.payment;
      await tx
        .updateTable('bookings')
        .set({
          payment: JSON.stringify({ provider, paymentId }),
          updated_at: event.data.requestedAt,
        })
        .where('id', '=', event.data.bookingId)
        .execute();
      return;
    }
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

async function insertBooking(tx: Tx, event: SeatsHeld): Promise<void> {
  const { screeningId, bookingId, userId, seats, quantity, amount, heldAt, expiresAt } = event.data;
  const screening = await tx
    .selectFrom('screenings')
    .select('host_id')
    .where('id', '=', screeningId)
    .executeTakeFirst();
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
