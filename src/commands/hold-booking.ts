import type { BookingState, ScreeningState } from '../domain/screening/index.js';
import { requestPayment } from './billing-commands.js';
import type { BillingProvider } from './billing-provider.js';
import { type HoldSeatsInput, holdSeats } from './booking-commands.js';
import type { CommandContext } from './command-context.js';
import type { HandleOptions } from './decider-handler.js';

/** A hold as the request that made it answers it. */
export interface HeldBooking {
  readonly state: ScreeningState;
  readonly position: string | undefined;
  /** What the payer confirms a Stripe payment with: for this answer only, never stored. */
  readonly clientSecret: string | null;
}

/** Where a payment that could not be opened on the request path is reported. */
export interface PaymentDeferredLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * Holds seats and, for a paid hold, opens its payment before the answer so the payer can pay
 * at once: a payment billing can name without a call (simulated) is recorded in the hold's own
 * append; otherwise (Stripe) the provider is called after the append, keyed by the booking, and
 * the payment recorded. If that fails the hold still stands and the billing reactor opens the
 * payment later, as it does for a hold whose request died in between.
 */
export async function holdBooking(
  ctx: CommandContext,
  billing: BillingProvider,
  input: Omit<HoldSeatsInput, 'payment'>,
  options: HandleOptions & { readonly openPayment: boolean; readonly log: PaymentDeferredLog },
): Promise<HeldBooking> {
  const { screeningId, bookingId, userId } = input;
  const derived = options.openPayment ? billing.derivePayment({ screeningId, bookingId }) : null;
  const held = await holdSeats(ctx, { ...input, payment: derived }, options);
  const answer = { state: held.state, position: held.position, clientSecret: null };
  const booking = bookingIn(held.state, bookingId);
  if (!options.openPayment || booking?.status !== 'PENDING' || booking.payment !== null) {
    return answer;
  }
  try {
    const opened = await billing.createPayment({
      screeningId,
      bookingId,
      userId,
      amount: booking.amount,
    });
    const payment = { provider: opened.provider, paymentId: opened.paymentId };
    const metadata = { ...options.metadata, commandId: `${bookingId}:payment` };
    const recorded = await requestPayment(ctx, { screeningId, bookingId, payment }, { metadata });
    return {
      state: recorded.state,
      position: recorded.position ?? held.position,
      clientSecret: opened.clientSecret,
    };
  } catch (error) {
    options.log.warn(
      { err: error, bookingId },
      'payment not opened with the hold; billing retries',
    );
    return answer;
  }
}

function bookingIn(state: ScreeningState, bookingId: string): BookingState | undefined {
  return state.status === 'initial' ? undefined : state.bookings.get(bookingId);
}
