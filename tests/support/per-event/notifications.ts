import { type ScreeningEvent, screeningDecider } from '../../../src/domain/screening/index.js';
import type { RecordedEvent } from '../../../src/eventstore/event-store.js';
import type { Tx } from '../../../src/projections/db/database.js';
import type { ProjectionContext } from '../../../src/projections/engine/projection.js';
import {
  type DraftView,
  draftsFor,
} from '../../../src/projections/read-models/notifications/notification-drafts.js';
import {
  notificationsProjection,
  toRow,
} from '../../../src/projections/read-models/notifications/notifications-projection.js';
import { unshared } from './unshared-context.js';

const inbox = notificationsProjection();

/**
 * `notifications`, one event at a time: the oracle of the inbox. A screening event's drafts read
 * the rows the screenings and bookings oracles just wrote; follows and room invitations have no
 * batch logic of their own, so they go through the projection with a batch of one.
 */
export async function notificationsOneEvent(
  tx: Tx,
  event: RecordedEvent,
  context: ProjectionContext,
): Promise<void> {
  if (!screeningDecider.isEvent(event)) {
    await inbox.applyBatch(tx, [event], unshared(context));
    return;
  }
  const rows = draftsFor(event, await viewFromDb(tx, event)).map(toRow(event.id));
  if (rows.length === 0) return;
  await tx
    .insertInto('notifications')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** What the event's notifications read, fetched from the tables the other oracles wrote. */
async function viewFromDb(tx: Tx, event: ScreeningEvent): Promise<DraftView> {
  const none: DraftView = {
    screening: () => undefined,
    booking: () => undefined,
    liveBookings: () => [],
  };
  switch (event.type) {
    case 'SeatsHeld':
    case 'ScreeningCancelled': {
      const screening = await screeningOf(tx, event.data.screeningId);
      const cancelled = event.type === 'ScreeningCancelled' && screening !== undefined;
      const live = cancelled ? await liveBookingsOf(tx, event.data.screeningId) : [];
      return { ...none, screening: () => screening, liveBookings: () => live };
    }
    case 'BookingConfirmed':
    case 'BookingCancelled':
    case 'BookingExpired':
    case 'PaymentRefunded': {
      const booking = await bookingOf(tx, event.data.bookingId);
      return { ...none, booking: () => booking };
    }
    case 'ScreeningScheduled':
    case 'PaymentRequested':
    case 'LatePaymentRejected':
    case 'TicketCheckedIn':
      return none;
    default: {
      const _: never = event;
      return none;
    }
  }
}

function screeningOf(tx: Tx, screeningId: string) {
  return tx
    .selectFrom('screenings')
    .select(['host_id', 'film_title', 'place_name', 'starts_at'])
    .where('id', '=', screeningId)
    .executeTakeFirst();
}

function bookingOf(tx: Tx, bookingId: string) {
  return tx
    .selectFrom('bookings')
    .innerJoin('screenings', 'screenings.id', 'bookings.screening_id')
    .selectAll('bookings')
    .select(['screenings.film_title', 'screenings.starts_at'])
    .where('bookings.id', '=', bookingId)
    .executeTakeFirst();
}

function liveBookingsOf(tx: Tx, screeningId: string) {
  return tx
    .selectFrom('bookings')
    .select(['id', 'user_id'])
    .where('screening_id', '=', screeningId)
    .where('status', 'in', ['PENDING', 'CONFIRMED'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}
