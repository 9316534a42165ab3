import { v7 } from 'uuid';
import { simulatedPaymentTarget } from '../../billing/simulated-billing.js';
import type { WebhookDelivery } from '../../billing/webhook-delivery.js';
import {
  type DeliveryOutcome,
  deliverWebhook,
  enqueueWebhook,
  type OutboxWebhook,
  webhookOfPayment,
} from '../../billing/webhook-outbox.js';
import type { CommandContext } from '../../commands/command-context.js';
import type { Db } from '../../projections/db/database.js';
import { ApiError } from '../api-error.js';

/** What the checkout needs: the payments table, the signing secret and a way to deliver. */
export interface CheckoutDeps {
  readonly db: Db;
  /** Loads the booking a payment belongs to, to check who may pay it. */
  readonly commands: CommandContext;
  readonly now: () => Date;
  readonly webhookSecret: string;
  readonly deliver: WebhookDelivery;
}

export type CheckoutOutcome = 'succeeded' | 'failed';

/**
 * The payer decided at the simulated checkout. The outcome and the signed `payment_intent.*`
 * webhook that reports it are committed together (the webhook goes into an outbox), then the
 * webhook is delivered at once; should that fail, or the process die first, the outbox
 * deliverer sends it until acknowledged. A retry of the same decision answers as the first
 * did; another decision is `409 payment_not_open`.
 */
export async function completeSimulatedCheckout(
  deps: CheckoutDeps,
  input: {
    readonly paymentId: string;
    readonly outcome: CheckoutOutcome;
    readonly requestId: string;
    /** The signed-in caller: only the booking's owner may decide its payment. */
    readonly userId: string;
  },
): Promise<DeliveryOutcome> {
  const { db } = deps;
  const { paymentId, outcome } = input;
  const payment = await ownedPayment(deps, paymentId, input.userId);
  const eventId = `evt_${v7()}`;
  const webhook: OutboxWebhook = {
    eventId,
    paymentId,
    requestId: input.requestId,
    payload: JSON.stringify({
      id: eventId,
      object: 'event',
      type: outcome === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed',
      data: {
        object: {
          id: paymentId,
          object: 'payment_intent',
          amount: payment.amount,
          currency: payment.currency.toLowerCase(),
          metadata: { bookingId: payment.booking_id, screeningId: payment.screening_id },
        },
      },
      created: Math.floor(deps.now().getTime() / 1000),
    }),
  };
  const decided = await db.transaction().execute(async (tx) => {
    // Only one decision per payment, even when two checkouts race.
    const updated = await tx
      .updateTable('simulated_payments')
      .set({ status: outcome, updated_at: deps.now() })
      .where('id', '=', paymentId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    await enqueueWebhook(tx, deps.now(), webhook);
    return true;
  });
  if (decided) return deliverWebhook(deps, webhook, 1);
  return retriedCheckout(deps, paymentId, outcome);
}

/** A checkout already decided: the same decision answers what its webhook came to. */
async function retriedCheckout(
  deps: CheckoutDeps,
  paymentId: string,
  outcome: CheckoutOutcome,
): Promise<DeliveryOutcome> {
  const notOpen = new ApiError('payment_not_open', `payment ${paymentId} has already been decided`);
  const current = await deps.db
    .selectFrom('simulated_payments')
    .select('status')
    .where('id', '=', paymentId)
    .executeTakeFirst();
  const sent = await webhookOfPayment(deps.db, paymentId);
  if (current?.status !== outcome || !sent) throw notOpen;
  if (sent.delivered_at !== null) {
    return { acknowledged: true, position: sent.position ?? undefined };
  }
  const webhook = {
    eventId: sent.event_id,
    paymentId,
    payload: sent.payload,
    requestId: sent.request_id,
  };
  return deliverWebhook(deps, webhook, sent.attempts + 1);
}

/** The payment, when it belongs to a booking of `userId`; anyone else learns nothing of it. */
async function ownedPayment(deps: CheckoutDeps, paymentId: string, userId: string) {
  const { db } = deps;
  const stored = await db
    .selectFrom('simulated_payments')
    .selectAll()
    .where('id', '=', paymentId)
    .executeTakeFirst();
  const target = stored
    ? { screeningId: stored.screening_id, bookingId: stored.booking_id }
    : simulatedPaymentTarget(paymentId);
  const notFound = new ApiError('payment_not_found', `payment ${paymentId} not found`);
  if (!target) throw notFound;
  // The aggregate, not a read model: the owner is known the moment the hold is answered.
  const { state } = await deps.commands.screenings.load(target.screeningId);
  const booking = state.status === 'initial' ? undefined : state.bookings.get(target.bookingId);
  if (booking?.userId !== userId || booking.payment?.paymentId !== paymentId) throw notFound;
  if (stored) return stored;
  // The hold named this payment without a call: the service learns of it at its checkout.
  return db
    .insertInto('simulated_payments')
    .values({
      id: paymentId,
      booking_id: target.bookingId,
      screening_id: target.screeningId,
      amount: booking.amount.amount,
      currency: booking.amount.currency,
      status: 'open',
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ id: paymentId }))
    .returningAll()
    .executeTakeFirstOrThrow();
}
