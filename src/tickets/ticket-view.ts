import { seatLabel } from '../domain/seat.js';
import type { Db } from '../projections/db/database.js';

/** Everything a ticket shows, whatever it is printed on (JSON, PDF, e-mail). */
export interface TicketView {
  readonly bookingId: string;
  readonly code: string;
  readonly holder: { readonly userId: string; readonly displayName: string };
  readonly seats: readonly { readonly row: number; readonly number: number }[];
  readonly quantity: number;
  readonly screening: {
    readonly id: string;
    readonly startsAt: string;
    readonly endsAt: string;
    readonly film: { readonly id: string; readonly title: string };
    readonly place: { readonly id: string; readonly name: string };
  };
  /** IANA time zone the screening's times are shown in. */
  readonly timeZone: string;
}

/** "A1, A2" for assigned seating, "2 places" for general admission. */
export function placesText(ticket: Pick<TicketView, 'seats' | 'quantity'>): string {
  if (ticket.seats.length > 0) return ticket.seats.map(seatLabel).join(', ');
  return ticket.quantity === 1 ? '1 place' : `${ticket.quantity} places`;
}

/** A time as people at the place read it, e.g. "Friday 2 January 2030, 21:00 (CET)". */
export function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

/** The facts of a booking's ticket from the read models; undefined when the booking is unknown. */
export async function ticketFacts(db: Db, bookingId: string) {
  return db
    .selectFrom('bookings')
    .innerJoin('screenings', 'screenings.id', 'bookings.screening_id')
    .leftJoin('users', 'users.id', 'bookings.user_id')
    .select([
      'bookings.id as bookingId',
      'bookings.user_id as userId',
      'bookings.status as status',
      'bookings.seats as seats',
      'bookings.quantity as quantity',
      'users.display_name as displayName',
      'users.email as email',
      'screenings.id as screeningId',
      'screenings.starts_at as startsAt',
      'screenings.ends_at as endsAt',
      'screenings.film_id as filmId',
      'screenings.film_title as filmTitle',
      'screenings.place_id as placeId',
      'screenings.place_name as placeName',
    ])
    .where('bookings.id', '=', bookingId)
    .executeTakeFirst();
}

export type TicketFacts = NonNullable<Awaited<ReturnType<typeof ticketFacts>>>;

/** The ticket of a booking's facts, with its signed code. */
export function ticketOf(facts: TicketFacts, code: string, timeZone: string): TicketView {
  return {
    bookingId: facts.bookingId,
    code,
    holder: { userId: facts.userId, displayName: facts.displayName ?? '' },
    seats: facts.seats.map(({ row, number }) => ({ row, number })),
    quantity: facts.quantity,
    screening: {
      id: facts.screeningId,
      startsAt: new Date(facts.startsAt).toISOString(),
      endsAt: new Date(facts.endsAt).toISOString(),
      film: { id: facts.filmId, title: facts.filmTitle },
      place: { id: facts.placeId, name: facts.placeName },
    },
    timeZone,
  };
}
