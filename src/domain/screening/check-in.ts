import { refuse } from '../errors.js';
import type { ScreeningCommand } from './screening-commands.js';
import type { ScreeningEvent } from './screening-events.js';
import type { ScheduledScreening } from './screening-state.js';

type CheckInTicket = Extract<ScreeningCommand, { type: 'CheckInTicket' }>;

/**
 * Admits a confirmed booking's holder once. Deciding on the folded stream (and appending at
 * its revision) is what makes two door scanners racing on one ticket admit it only once.
 */
export function decideCheckIn(command: CheckInTicket, state: ScheduledScreening): ScreeningEvent[] {
  if (state.hostId !== command.hostId) {
    return refuse('not_screening_host', 'only the host checks people in');
  }
  const booking = state.bookings.get(command.bookingId);
  // A genuine ticket of another screening is no ticket for this one.
  if (!booking) return refuse('ticket_not_found', 'no such ticket for this screening');
  if (booking.status !== 'CONFIRMED') {
    return refuse('booking_not_confirmed', `the booking is ${booking.status.toLowerCase()}`, {
      status: booking.status,
    });
  }
  if (booking.checkedInAt !== null) {
    return refuse('already_checked_in', `already checked in at ${booking.checkedInAt}`, {
      bookingId: booking.bookingId,
      checkedInAt: booking.checkedInAt,
    });
  }
  return [
    {
      type: 'TicketCheckedIn',
      data: {
        screeningId: state.screeningId,
        bookingId: booking.bookingId,
        userId: booking.userId,
        checkedInBy: command.hostId,
        checkedInAt: command.now.toISOString(),
      },
    },
  ];
}
