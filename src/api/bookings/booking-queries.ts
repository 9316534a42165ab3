import { z } from 'zod';
import { simulatedCheckoutUrl } from '../../billing/simulated-billing.js';
import type { BookingRow, Db } from '../../projections/db/database.js';
import { cursorId, cursorTime, decodeCursor, toPage } from '../pagination.js';

export type BookingStatus = BookingRow['status'];

/** A booking as the API returns it. */
export interface Booking {
  readonly id: string;
  readonly screeningId: string;
  readonly userId: string;
  readonly status: BookingStatus;
  readonly seats: { row: number; number: number }[];
  readonly quantity: number;
  readonly amount: number;
  readonly currency: string;
  readonly expiresAt: string;
  readonly createdAt: string;
  /** The payment opened for it; null while billing has not opened one (or it is free). */
  readonly payment: BookingPayment | null;
}

/** A booking's payment as the API shows it: fields without a value are left out. */
export interface BookingPayment {
  readonly provider: 'simulated' | 'stripe';
  readonly paymentId: string;
  readonly checkoutUrl?: string;
  readonly clientSecret?: string;
}

/**
 * Shapes a payment reference (from the aggregate or a row) for the API; null when there is
 * none. The checkout URL of a simulated payment follows from its id; a Stripe client secret is
 * shown only when the caller passes one fetched for the booking's owner (rows written before
 * secrets left the log may still hold one: it is never read from there).
 */
export function toBookingPayment(
  payment: Readonly<Record<string, unknown>> | null,
  clientSecret: string | null = null,
): BookingPayment | null {
  if (payment === null) return null;
  const { provider, paymentId } = payment;
  if (typeof paymentId !== 'string') return null;
  if (provider === 'simulated') {
    return { provider, paymentId, checkoutUrl: simulatedCheckoutUrl(paymentId) };
  }
  if (provider !== 'stripe') return null;
  return { provider, paymentId, ...(clientSecret === null ? {} : { clientSecret }) };
}

/** The keyset of booking lists: (createdAt, id). */
export const bookingCursor = z.object({ createdAt: cursorTime, id: cursorId });

/** Maps a `bookings` row to the API shape (also used by the screening's booking list). */
export function toBooking(row: BookingRow): Booking {
  return {
    id: row.id,
    screeningId: row.screening_id,
    userId: row.user_id,
    status: row.status,
    seats: row.seats.map(({ row: seatRow, number }) => ({ row: seatRow, number })),
    quantity: row.quantity,
    amount: row.amount,
    currency: row.currency,
    expiresAt: new Date(row.expires_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    payment: toBookingPayment(row.payment),
  };
}

/** A booking the user may see: their own, or one made for a screening they host. */
export async function findBookingFor(
  db: Db,
  bookingId: string,
  userId: string,
): Promise<Booking | undefined> {
  const row = await db
    .selectFrom('bookings')
    .selectAll()
    .where('id', '=', bookingId)
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('host_id', '=', userId)]))
    .executeTakeFirst();
  return row && toBooking(row);
}

export interface UserBookingsQuery {
  readonly userId: string;
  readonly status?: BookingStatus | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The user's bookings, newest first, paged by (createdAt, id). */
export async function listUserBookings(db: Db, query: UserBookingsQuery) {
  const { userId, status, limit, cursor } = query;
  let select = db
    .selectFrom('bookings')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (status) select = select.where('status', '=', status);
  if (cursor) {
    const after = decodeCursor(cursor, bookingCursor);
    select = select.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(after.createdAt, after.id)),
    );
  }
  const rows = await select.execute();
  return toPage(rows, limit, toBooking, (row) => ({
    createdAt: new Date(row.created_at).toISOString(),
    id: row.id,
  }));
}
