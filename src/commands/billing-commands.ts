import type { Payment } from '../domain/screening/screening-events.js';
import type { CommandContext } from './command-context.js';
import type { HandleOptions } from './decider-handler.js';

interface BookingRef {
  readonly screeningId: string;
  readonly bookingId: string;
}

/** Billing opened a payment for a pending booking (a no-op once one is recorded). */
export function requestPayment(
  ctx: CommandContext,
  input: BookingRef & { readonly payment: Payment },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'RequestPayment', ...input, now: ctx.now() },
    options,
  );
}

/** Billing refunded a payment of the booking (a no-op once recorded). */
export function recordRefund(
  ctx: CommandContext,
  input: BookingRef & { readonly paymentId: string; readonly refundId: string },
  options: HandleOptions,
) {
  return ctx.screenings.handle(
    input.screeningId,
    { type: 'RecordRefund', ...input, now: ctx.now() },
    options,
  );
}
