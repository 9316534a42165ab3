import type { BookingState, ScheduledScreening } from '../../domain/screening/index.js';
import type { Db } from '../../projections/db/database.js';
import { type Booking, toBookingPayment } from '../bookings/booking-queries.js';

/** A booking of the aggregate's state in the API's shape (the door must not wait on projections). */
export function bookingOfState(screening: ScheduledScreening, booking: BookingState): Booking {
  return {
    id: booking.bookingId,
    screeningId: screening.screeningId,
    userId: booking.userId,
    status: booking.status,
    seats: booking.seats.map(({ row, number }) => ({ row, number })),
    quantity: booking.quantity,
    amount: booking.amount.amount,
    currency: booking.amount.currency,
    expiresAt: booking.expiresAt,
    createdAt: booking.heldAt,
    payment: toBookingPayment(booking.payment && { ...booking.payment }),
  };
}

/** Display names of users by id; unknown ids are left out. */
export async function displayNames(
  db: Db,
  userIds: readonly string[],
): Promise<Map<string, string>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}
