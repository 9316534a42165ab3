import type { FastifyBaseLogger } from 'fastify';
import Stripe from 'stripe';
import type { Db, Tx } from '../projections/db/database.js';
import { PollingService } from '../projections/engine/background-service.js';
import { SIMULATED_WEBHOOK_PATH, type WebhookDelivery } from './webhook-delivery.js';

/** How long a delivery in flight keeps its row from the deliverer (of this or another node). */
const LEASE_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;
const CLAIM_BATCH = 20;

/** A webhook waiting in the outbox. */
export interface OutboxWebhook {
  readonly eventId: string;
  readonly paymentId: string;
  readonly payload: string;
  readonly requestId: string;
}

/** What delivering needs: the outbox, the clock, the signing secret and the way to send. */
export interface OutboxDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly webhookSecret: string;
  readonly deliver: WebhookDelivery;
}

/** What one delivery came to: acknowledged (with the position of its effects) or not yet. */
export type DeliveryOutcome =
  | { readonly acknowledged: true; readonly position: string | undefined }
  | { readonly acknowledged: false };

/**
 * Puts a webhook in the outbox, in the caller's transaction (the one that decides the payment):
 * a crash after that commit leaves the webhook to the deliverer, never lost. The caller
 * delivers it at once and holds it for {@link LEASE_MS} meanwhile.
 */
export async function enqueueWebhook(tx: Tx, now: Date, webhook: OutboxWebhook): Promise<void> {
  await tx
    .insertInto('billing_webhook_outbox')
    .values({
      event_id: webhook.eventId,
      payment_id: webhook.paymentId,
      payload: webhook.payload,
      request_id: webhook.requestId,
      next_attempt_at: new Date(now.getTime() + LEASE_MS),
    })
    .execute();
}

/** The latest webhook of a payment, delivered or not. */
export async function webhookOfPayment(db: Db, paymentId: string) {
  return db
    .selectFrom('billing_webhook_outbox')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * Sends a webhook once, signed now (the signature carries its time, as Stripe's retries do),
 * and records the answer: acknowledged (2xx) ends it; anything else, or no answer, schedules
 * the next attempt with exponential backoff.
 */
export async function deliverWebhook(
  deps: OutboxDeps,
  webhook: OutboxWebhook,
  attempts: number,
): Promise<DeliveryOutcome> {
  let acknowledged = false;
  let position: string | undefined;
  try {
    const signature = Stripe.webhooks.generateTestHeaderString({
      payload: webhook.payload,
      secret: deps.webhookSecret,
    });
    const response = await deps.deliver({
      path: SIMULATED_WEBHOOK_PATH,
      payload: webhook.payload,
      signature,
      requestId: webhook.requestId,
    });
    acknowledged = response.statusCode >= 200 && response.statusCode < 300;
    position = response.position;
  } catch {
    // No answer: as good as a refusal; the next attempt is scheduled below.
  }
  const update = deps.db
    .updateTable('billing_webhook_outbox')
    .where('event_id', '=', webhook.eventId);
  if (acknowledged) {
    await update.set({ delivered_at: deps.now(), position: position ?? null }).execute();
    return { acknowledged: true, position };
  }
  const backoff = Math.min(1_000 * 2 ** Math.min(attempts, 20), RETRY_MAX_MS);
  await update
    .set({ attempts, next_attempt_at: new Date(deps.now().getTime() + backoff) })
    .where('delivered_at', 'is', null)
    .execute();
  return { acknowledged: false };
}

/**
 * Delivers every due webhook of the outbox until acknowledged: those whose first delivery
 * failed, and those a crash left between the payment's decision and its webhook. Rows are
 * claimed with a lease, so nodes share the work; a delivery twice is harmless (webhooks are
 * processed once per event id).
 */
export class WebhookOutboxDeliverer extends PollingService {
  readonly #deps: OutboxDeps & { readonly log: FastifyBaseLogger };

  constructor(deps: OutboxDeps & { readonly log: FastifyBaseLogger; readonly pollMs?: number }) {
    // A full pass may leave more due rows: drain goes on without pausing.
    super({
      pollMs: deps.pollMs ?? 1_000,
      log: deps.log,
      what: 'webhook outbox pass',
      drain: true,
    });
    this.#deps = deps;
  }

  /** Delivers what is due now; resolves how many were acknowledged. */
  async tick(): Promise<number> {
    let acknowledged = 0;
    for (const row of await this.#claimDue()) {
      const webhook = {
        eventId: row.event_id,
        paymentId: row.payment_id,
        payload: row.payload,
        requestId: row.request_id,
      };
      const outcome = await deliverWebhook(this.#deps, webhook, row.attempts);
      if (outcome.acknowledged) acknowledged += 1;
      else
        this.#deps.log.warn(
          { eventId: row.event_id, attempts: row.attempts },
          'webhook not acknowledged; retrying later',
        );
    }
    return acknowledged;
  }

  async #claimDue() {
    const { db, now } = this.#deps;
    const at = now();
    return db
      .updateTable('billing_webhook_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        next_attempt_at: new Date(at.getTime() + LEASE_MS),
      }))
      .where('event_id', 'in', (eb) =>
        eb
          .selectFrom('billing_webhook_outbox')
          .select('event_id')
          .where('delivered_at', 'is', null)
          .where('next_attempt_at', '<=', at)
          .orderBy('next_attempt_at')
          .limit(CLAIM_BATCH)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute();
  }
}
