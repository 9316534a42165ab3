import { setTimeout as sleep } from 'node:timers/promises';
import Stripe from 'stripe';
import { v7 } from 'uuid';
import { ApiError } from '../../api/api-error.js';
import type { CommandContext } from '../../commands/command-context.js';
import type { Db } from '../db/database.js';

/** Where the simulated billing service delivers its webhooks. */
export const SIMULATED_WEBHOOK_PATH = '/api/webhooks/billing';

/** A signed webhook request, as a billing service sends it. */
export interface WebhookRequest {
  readonly path: string;
  /** The raw JSON body: the signature covers these exact bytes. */
  readonly payload: string;
  /** The `Stripe-Signature` header. */
  readonly signature: string;
  /** Correlates the webhook with the checkout that caused it. */
  readonly requestId: string;
}

/** Sends a webhook over HTTP to the app; resolves its status and `X-Position`. */
export type WebhookDelivery = (
  request: WebhookRequest,
) => Promise<{ readonly statusCode: number; readonly position: string | undefined }>;

/** What the checkout needs: the payments table, the signing secret and a way to deliver. */
export interface CheckoutDeps {
  readonly db: Db;
  /** Loads the booking a payment belongs to, to check who may pay it. */
  readonly commands: CommandContext;
  readonly webhookSecret: string;
  readonly deliver: WebhookDelivery;
}

export type CheckoutOutcome = 'succeeded' | 'failed';

const DELIVERY_ATTEMPTS = 3;

/**
 * The payer decided at the simulated checkout: the payment is marked and a signed
 * `payment_intent.*` event delivered to the webhook, as Stripe would. If the webhook keeps
 * failing the payment is reopened and the checkout fails, so the payer can try again.
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
): Promise<{ readonly position: string | undefined }> {
  const { db } = deps;
  const { paymentId, outcome } = input;
  const payment = await ownedPayment(deps, paymentId, input.userId);
  // Only one decision per payment, even when two checkouts race.
  const decided = await db
    .updateTable('simulated_payments')
    .set({ status: outcome, updated_at: new Date() })
    .where('id', '=', paymentId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (decided.numUpdatedRows === 0n) {
    throw new ApiError('payment_not_open', `payment ${paymentId} has already been decided`);
  }
  const payload = JSON.stringify({
    id: `evt_${v7()}`,
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
    created: Math.floor(Date.now() / 1000),
  });
  try {
    return await deliverWithRetries(deps, { ...input, payload });
  } catch (error) {
    await db
      .updateTable('simulated_payments')
      .set({ status: 'open', updated_at: new Date() })
      .where('id', '=', paymentId)
      .where('status', '=', outcome)
      .execute();
    throw error;
  }
}

/** The payment, when it belongs to a booking of `userId`; anyone else learns nothing of it. */
async function ownedPayment(deps: CheckoutDeps, paymentId: string, userId: string) {
  const payment = await deps.db
    .selectFrom('simulated_payments')
    .selectAll()
    .where('id', '=', paymentId)
    .executeTakeFirst();
  const notFound = new ApiError('payment_not_found', `payment ${paymentId} not found`);
  if (!payment) throw notFound;
  // The aggregate, not a read model: the owner is known the moment the hold is answered.
  const { state } = await deps.commands.screenings.load(payment.screening_id);
  const booking = state.status === 'initial' ? undefined : state.bookings.get(payment.booking_id);
  if (booking?.userId !== userId) throw notFound;
  return payment;
}

async function deliverWithRetries(
  deps: CheckoutDeps,
  input: { readonly payload: string; readonly requestId: string },
): Promise<{ readonly position: string | undefined }> {
  let lastStatus = 0;
  for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
    // Signed at each attempt: the signature carries its timestamp, as Stripe's retries do.
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: input.payload,
      secret: deps.webhookSecret,
    });
    const response = await deps.deliver({
      path: SIMULATED_WEBHOOK_PATH,
      payload: input.payload,
      signature,
      requestId: input.requestId,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    lastStatus = response.statusCode;
    if (attempt < DELIVERY_ATTEMPTS) await sleep(50 * 2 ** attempt);
  }
  throw new Error(`the billing webhook answered ${lastStatus} ${DELIVERY_ATTEMPTS} times`);
}
