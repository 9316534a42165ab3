import type { Payment } from '../domain/screening/screening-events.js';
import type { Seat } from '../domain/seat.js';
import type { CommandContext } from './command-context.js';
import type { HandleOptions } from './decider-handler.js';

interface BookingRef {
  readonly screeningId: string;
  readonly bookingId: string;
}

export interface HoldSeatsInput extends BookingRef {
  readonly userId: string;
  readonly seats: readonly Seat[] | null;
  readonly quantity: number | null;
  /** A payment billing named in advance, recorded with the hold (default: billing opens one later). */
  readonly payment?: Payment | null;
}

/** Creates a booking that holds seats until paid (or confirms at once when free). */
export function holdSeats(ctx: CommandContext, input: HoldSeatsInput, options: HandleOptions) {
  const command = {
    type: 'HoldSeats' as const,
    ...input,
    payment: input.payment ?? null,
    now: ctx.now(),
    holdSeconds: ctx.holdSeconds,
  };
  return ctx.screenings.handle(input.screeningId, command, options);
}

/** Payment succeeded: confirms a pending booking, or marks a late payment for refund. */
export function confirmBooking(
  ctx: CommandContext,
  input: BookingRef & { readonly paymentId: string },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'ConfirmBooking', ...input, now: ctx.now() },
    options,
  );
}

/** Payment failed: the hold is released. */
export function failBookingPayment(
  ctx: CommandContext,
  input: BookingRef & { readonly paymentId: string },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'FailBookingPayment', ...input, now: ctx.now() },
    options,
  );
}

/** The hold time passed unpaid: the seats go back on sale. */
export function expireBooking(ctx: CommandContext, input: BookingRef, options: HandleOptions) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'ExpireBooking', ...input, now: ctx.now() },
    options,
  );
}

/** The booking's owner cancels it (a paid one is marked for refund). */
export function cancelBooking(
  ctx: CommandContext,
  input: BookingRef & { readonly userId: string },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'CancelBooking', ...input, now: ctx.now() },
    options,
  );
}
