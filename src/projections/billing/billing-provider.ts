import type { Money } from '../../domain/money.js';
import type { Payment } from '../../domain/screening/screening-events.js';

/** What the billing reactor asks a provider to open for a pending booking. */
export interface CreatePaymentInput {
  readonly bookingId: string;
  readonly screeningId: string;
  readonly userId: string;
  readonly amount: Money;
  /** The same key always yields the same payment, however often the call is retried. */
  readonly idempotencyKey: string;
}

/** A refund of (all of) a payment. */
export interface RefundInput {
  readonly paymentId: string;
  readonly amount: Money;
  readonly idempotencyKey: string;
}

/**
 * The billing port: opens payments and refunds them. Calls may fail transiently (the billing
 * reactor retries them) and must be idempotent by key.
 */
export interface BillingProvider {
  readonly name: 'simulated' | 'stripe';
  createPayment(input: CreatePaymentInput): Promise<Payment>;
  refund(input: RefundInput): Promise<{ refundId: string }>;
}
