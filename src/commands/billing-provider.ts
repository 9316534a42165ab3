import type { Money } from '../domain/money.js';
import type { Payment } from '../domain/screening/screening-events.js';

/** The booking a payment is for. */
export interface PaymentTarget {
  readonly bookingId: string;
  readonly screeningId: string;
}

/** What billing is asked to open for a pending booking. */
export interface CreatePaymentInput extends PaymentTarget {
  readonly userId: string;
  readonly amount: Money;
}

/** A payment as the provider answers its opening: the reference, and what the payer needs. */
export interface OpenedPayment extends Payment {
  /** Where the payer completes the payment (simulated billing). */
  readonly checkoutUrl: string | null;
  /** What Stripe.js confirms the payment with; never stored, never logged. */
  readonly clientSecret: string | null;
}

/** A refund of (all of) a payment. */
export interface RefundInput {
  readonly paymentId: string;
  readonly amount: Money;
  readonly idempotencyKey: string;
}

/**
 * The billing port: opens payments and refunds them. Calls may fail transiently (callers
 * retry them); opening is idempotent by booking, refunding by key.
 */
export interface BillingProvider {
  readonly name: 'simulated' | 'stripe';
  /**
   * The payment of a booking when the provider can name it without a call (simulated billing
   * derives it from the booking), so the hold records it in its own append; otherwise null.
   */
  derivePayment(target: PaymentTarget): Payment | null;
  /** Opens the booking's payment; the same booking always gets the same payment. */
  createPayment(input: CreatePaymentInput): Promise<OpenedPayment>;
  /** The secret the payer confirms a payment with (Stripe), asked of the provider each time. */
  clientSecret(paymentId: string): Promise<string | null>;
  refund(input: RefundInput): Promise<{ refundId: string }>;
}

/** The idempotency key of a booking's payment, shared by the request path and the reactor. */
export function paymentIdempotencyKey(bookingId: string): string {
  return `booking-payment-${bookingId}`;
}
