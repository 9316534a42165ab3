import { setTimeout as sleep } from 'node:timers/promises';
import { recordRefund, requestPayment } from '../../commands/billing-commands.js';
import type { BillingProvider } from '../../commands/billing-provider.js';
import type { CommandContext } from '../../commands/command-context.js';
import type { HandleOptions } from '../../commands/decider-handler.js';
import { type BookingState, screeningDecider } from '../../domain/screening/index.js';
import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import { type ReactorLogger, ReactorRunner } from '../engine/reactor-runner.js';

/** How long a fresh hold is left to its own request to open the payment. */
const REQUEST_GRACE_MS = 3_000;

/** Names the billing reactor's checkpoint and lock (wait on it to see a payment opened). */
export const BILLING_REACTOR = 'billing';

/** What billing reactions need. */
export interface BillingReactionDeps {
  readonly commands: CommandContext;
  readonly billing: BillingProvider;
  readonly logger: ReactorLogger;
}

/** The billing reactor: opens payments for holds and refunds what must go back. */
export function billingReactor(
  deps: BillingReactionDeps & { readonly store: EventStore; readonly db: Db },
): ReactorRunner {
  return new ReactorRunner({
    name: BILLING_REACTOR,
    store: deps.store,
    db: deps.db,
    logger: deps.logger,
    react: (event) => reactToBilling(deps, event),
  });
}

/**
 * A paid hold the request did not open a payment for (it died, billing failed, or the client
 * asked `Prefer: respond-async`) gets one; a cancelled paid booking and a late payment get refunded. Each
 * provider call is keyed and each command carries a command id from the event, so a re-run
 * opens, refunds and records nothing twice.
 */
export async function reactToBilling(
  deps: BillingReactionDeps,
  event: RecordedEvent,
): Promise<boolean> {
  if (!screeningDecider.isEvent(event)) return false;
  switch (event.type) {
    case 'SeatsHeld':
      if (event.data.amount.amount <= 0) return false;
      await openPayment(deps, event, event.data);
      return true;
    case 'BookingCancelled':
      if (event.data.refundPaymentId === null) return false;
      await refund(deps, event, { ...event.data, paymentId: event.data.refundPaymentId });
      return true;
    case 'LatePaymentRejected':
      await refund(deps, event, event.data);
      return true;
    default:
      return false;
  }
}

interface BookingRef {
  readonly screeningId: string;
  readonly bookingId: string;
}

async function openPayment(
  deps: BillingReactionDeps,
  event: RecordedEvent,
  hold: BookingRef & {
    readonly userId: string;
    readonly amount: { amount: number; currency: string };
  },
): Promise<void> {
  const { screeningId, bookingId, userId, amount } = hold;
  // Catching up on an old hold that ended, or one already paid for: nothing to open. The state
  // this process cached with the hold's append mostly shows that already (its payment recorded
  // in the same append), sparing a stream read per hold; a state a booking once left (PENDING
  // without payment) it never returns to, so only a hold that seems to need a payment is read
  // afresh before acting.
  const recent = await bookingOf(deps.commands, hold, event.position);
  if (recent?.status !== 'PENDING' || recent.payment !== null) return;
  let booking = await bookingOf(deps.commands, hold);
  if (booking?.status !== 'PENDING' || booking.payment !== null) return;
  const young = REQUEST_GRACE_MS - (Date.now() - event.createdAt.getTime());
  if (young > 0 && deps.billing.derivePayment(hold) === null) {
    // The hold's own request is most likely opening this payment right now: let it, rather
    // than race it to the provider (harmless, being keyed, but a wasted call per hold).
    await sleep(young);
    booking = await bookingOf(deps.commands, hold);
    if (booking?.status !== 'PENDING' || booking.payment !== null) return;
  }
  // Keyed by the booking: the same payment the hold's request may have opened already.
  const opened = await deps.billing.createPayment({ bookingId, screeningId, userId, amount });
  const payment = { provider: opened.provider, paymentId: opened.paymentId };
  await requestPayment(
    deps.commands,
    { screeningId, bookingId, payment },
    options(event, `${event.id}:payment`),
  );
  deps.logger.info(
    { correlationId: event.metadata.correlationId, bookingId, paymentId: payment.paymentId },
    'payment opened',
  );
}

async function refund(
  deps: BillingReactionDeps,
  event: RecordedEvent,
  target: BookingRef & { readonly paymentId: string },
): Promise<void> {
  const { screeningId, bookingId, paymentId } = target;
  const booking = await bookingOf(deps.commands, target);
  if (!booking || booking.refundedPaymentIds.includes(paymentId)) return;
  const { refundId } = await deps.billing.refund({
    paymentId,
    amount: booking.amount,
    idempotencyKey: `${event.id}:refund`,
  });
  await recordRefund(
    deps.commands,
    { screeningId, bookingId, paymentId, refundId },
    options(event, `${event.id}:refund`),
  );
  deps.logger.info(
    { correlationId: event.metadata.correlationId, bookingId, paymentId, refundId },
    'payment refunded',
  );
}

/** The booking as the stream has it now, or as of at least `since` (maybe cached). */
async function bookingOf(
  commands: CommandContext,
  { screeningId, bookingId }: BookingRef,
  since?: string,
): Promise<BookingState | undefined> {
  const { state } =
    since === undefined
      ? await commands.screenings.load(screeningId)
      : await commands.screenings.loadSince(screeningId, since);
  return state.status === 'initial' ? undefined : state.bookings.get(bookingId);
}

function options(event: RecordedEvent, commandId: string): HandleOptions {
  return {
    metadata: { correlationId: event.metadata.correlationId, causationId: event.id, commandId },
  };
}
