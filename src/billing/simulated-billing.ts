import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { v5 as uuidv5 } from 'uuid';
import type {
  BillingProvider,
  CreatePaymentInput,
  OpenedPayment,
  PaymentTarget,
  RefundInput,
} from '../commands/billing-provider.js';
import type { Config } from '../config.js';
import { UUID_PATTERN } from '../domain/ids.js';
import type { Payment } from '../domain/screening/screening-events.js';
import type { Db } from '../projections/db/database.js';

// Refund ids are derived from the idempotency key: the same key, the same id.
const ID_NAMESPACE = '0d7f3c52-6a1b-4f0e-9c8d-2b5a4e1f7c3a';

const PAYMENT_ID = new RegExp(`^sim_pi_(${UUID_PATTERN})_(${UUID_PATTERN})$`, 'i');

/**
 * A booking's simulated payment id: it names the screening and the booking, so the hold
 * records it without a call and the checkout finds the booking from it alone.
 */
export function simulatedPaymentId({ screeningId, bookingId }: PaymentTarget): string {
  return `sim_pi_${screeningId}_${bookingId}`;
}

/** The booking a simulated payment id names; undefined for any other id. */
export function simulatedPaymentTarget(paymentId: string): PaymentTarget | undefined {
  const match = PAYMENT_ID.exec(paymentId);
  return match?.[1] && match[2] ? { screeningId: match[1], bookingId: match[2] } : undefined;
}

/** A transient failure of the simulated billing service: the caller is expected to retry. */
export class SimulatedBillingUnavailable extends Error {
  override readonly name = 'SimulatedBillingUnavailable';
}

/** Options of {@link SimulatedBilling}. */
export interface SimulatedBillingOptions {
  /** Delay of every call, as if it crossed a network. */
  readonly latencyMs?: number;
  /** Share of calls (0..1) that fail transiently. */
  readonly failureRate?: number;
  /** Source of randomness for failures (tests pin it). */
  readonly random?: () => number;
}

/** The checkout URL the payer is sent to for a simulated payment. */
export function simulatedCheckoutUrl(paymentId: string): string {
  return `/api/billing/checkout/${paymentId}`;
}

/** The secret the simulated service signs webhooks with: configured, or derived from the JWT secret. */
export function billingWebhookSecret(config: Config, jwtSecret: string): string {
  if (config.BILLING_WEBHOOK_SECRET) return config.BILLING_WEBHOOK_SECRET;
  // Every node derives the same secret, so any node verifies what any other delivered.
  return `whsec_${createHmac('sha256', jwtSecret).update('billing-webhook').digest('base64url')}`;
}

/**
 * A billing service simulated in the database (`simulated_payments`), so checkout works across
 * restarts and nodes. Calls can be slowed down and made to fail transiently.
 */
export class SimulatedBilling implements BillingProvider {
  readonly name = 'simulated';
  readonly #db: Db;
  readonly #latencyMs: number;
  readonly #failureRate: number;
  readonly #random: () => number;

  constructor(db: Db, options: SimulatedBillingOptions = {}) {
    this.#db = db;
    this.#latencyMs = options.latencyMs ?? 0;
    this.#failureRate = options.failureRate ?? 0;
    this.#random = options.random ?? Math.random;
  }

  derivePayment(target: PaymentTarget): Payment {
    return { provider: 'simulated', paymentId: simulatedPaymentId(target) };
  }

  async createPayment(input: CreatePaymentInput): Promise<OpenedPayment> {
    const { paymentId } = this.derivePayment(input);
    await this.#call(async () => {
      await this.#db
        .insertInto('simulated_payments')
        .values({
          id: paymentId,
          booking_id: input.bookingId,
          screening_id: input.screeningId,
          amount: input.amount.amount,
          currency: input.amount.currency,
          status: 'open',
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    });
    return {
      provider: 'simulated',
      paymentId,
      checkoutUrl: simulatedCheckoutUrl(paymentId),
      clientSecret: null,
    };
  }

  async clientSecret(): Promise<null> {
    return null;
  }

  async refund(input: RefundInput): Promise<{ refundId: string }> {
    await this.#call(async () => {
      await this.#db
        .updateTable('simulated_payments')
        .set({ status: 'refunded', updated_at: new Date() })
        .where('id', '=', input.paymentId)
        .execute();
    });
    return { refundId: `sim_re_${uuidv5(input.idempotencyKey, ID_NAMESPACE)}` };
  }

  /** Runs `work` like a remote call: after the latency, and failing at the configured rate. */
  async #call(work: () => Promise<void>): Promise<void> {
    if (this.#latencyMs > 0) await sleep(this.#latencyMs);
    if (this.#random() >= this.#failureRate) return work();
    // Half the failures lose the response after the work was done: idempotency must cope.
    if (this.#random() < 0.5) await work();
    throw new SimulatedBillingUnavailable('the simulated billing service is unavailable');
  }
}
