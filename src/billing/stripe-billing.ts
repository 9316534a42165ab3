import Stripe from 'stripe';
import {
  type BillingProvider,
  type CreatePaymentInput,
  type OpenedPayment,
  paymentIdempotencyKey,
  type RefundInput,
} from '../commands/billing-provider.js';

/** A Stripe client for the secret key; `apiBase` points it elsewhere (a local fake in tests). */
export function stripeClient(secretKey: string, apiBase?: string): Stripe {
  if (apiBase === undefined) return new Stripe(secretKey, { maxNetworkRetries: 2 });
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port || (protocol === 'http' ? 80 : 443),
    protocol,
    maxNetworkRetries: 2,
  });
}

/** Billing through Stripe PaymentIntents: the client pays with `payment.clientSecret`. */
export class StripeBilling implements BillingProvider {
  readonly name = 'stripe';
  readonly #stripe: Stripe;

  constructor(stripe: Stripe) {
    this.#stripe = stripe;
  }

  derivePayment(): null {
    return null;
  }

  async createPayment(input: CreatePaymentInput): Promise<OpenedPayment> {
    const { bookingId, screeningId, userId, amount } = input;
    const idempotencyKey = paymentIdempotencyKey(bookingId);
    const intent = await this.#stripe.paymentIntents.create(
      {
        amount: amount.amount,
        currency: amount.currency.toLowerCase(),
        metadata: { bookingId, screeningId, userId },
        automatic_payment_methods: { enabled: true },
      },
      { idempotencyKey },
    );
    return {
      provider: 'stripe',
      paymentId: intent.id,
      checkoutUrl: null,
      clientSecret: intent.client_secret,
    };
  }

  async clientSecret(paymentId: string): Promise<string | null> {
    const intent = await this.#stripe.paymentIntents.retrieve(paymentId);
    return intent.client_secret;
  }

  async refund(input: RefundInput): Promise<{ refundId: string }> {
    // The amount is the booking's: never more than what it paid, even if charged twice.
    const refund = await this.#stripe.refunds.create(
      { payment_intent: input.paymentId, amount: input.amount.amount },
      { idempotencyKey: input.idempotencyKey },
    );
    return { refundId: refund.id };
  }
}
