import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { plainString } from '../../api/schemas/text.js';
import { confirmBooking, failBookingPayment } from '../../commands/booking-commands.js';
import type { CommandContext } from '../../commands/command-context.js';
import { DomainError } from '../../domain/errors.js';
import type { Db } from '../db/database.js';

/** Which endpoint (and secret) a webhook came through; event ids are unique per provider. */
export type WebhookProvider = 'simulated' | 'stripe';

/** The part of a provider's event (Stripe's shape) that webhooks read. */
export const webhookEventSchema = z.object({
  id: plainString().min(1).max(255),
  type: plainString(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export type WebhookEvent = z.infer<typeof webhookEventSchema>;

const paymentIntent = z.object({
  id: plainString().min(1).max(255),
  metadata: z.object({ bookingId: z.uuid(), screeningId: z.uuid() }),
});

/** What processing a webhook event came to. */
export interface WebhookOutcome {
  /** The event id had been processed before: nothing ran. */
  readonly duplicate: boolean;
  /** Position of the command's events, to read its effects at. */
  readonly position: string | undefined;
}

/** What webhook processing needs. */
export interface WebhookDeps {
  readonly db: Db;
  readonly commands: CommandContext;
  readonly log: FastifyBaseLogger;
}

/**
 * Runs the booking command a payment event calls for, once per event id: the command first,
 * then the id is recorded (a crash in between only re-runs an idempotent command). A refusal
 * is logged and acknowledged, since the provider would retry it forever; a store failure
 * propagates so the provider retries.
 */
export async function processPaymentWebhook(
  deps: WebhookDeps,
  provider: WebhookProvider,
  event: WebhookEvent,
  correlationId: string,
): Promise<WebhookOutcome> {
  const { db } = deps;
  const seen = await db
    .selectFrom('processed_webhooks')
    .select('event_id')
    .where('provider', '=', provider)
    .where('event_id', '=', event.id)
    .executeTakeFirst();
  if (seen) return { duplicate: true, position: undefined };
  const position = await runCommand(deps, event, correlationId);
  await db
    .insertInto('processed_webhooks')
    .values({ provider, event_id: event.id })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .execute();
  return { duplicate: false, position };
}

async function runCommand(
  { commands, log }: WebhookDeps,
  event: WebhookEvent,
  correlationId: string,
): Promise<string | undefined> {
  const succeeded = event.type === 'payment_intent.succeeded';
  if (!succeeded && event.type !== 'payment_intent.payment_failed') {
    log.info({ eventId: event.id, eventType: event.type }, 'webhook event ignored');
    return undefined;
  }
  const intent = paymentIntent.safeParse(event.data.object);
  if (!intent.success) {
    log.warn({ eventId: event.id }, 'payment intent without booking metadata; ignored');
    return undefined;
  }
  const { id: paymentId, metadata } = intent.data;
  const input = { ...metadata, paymentId };
  const options = { metadata: { correlationId, causationId: event.id, commandId: event.id } };
  try {
    const result = succeeded
      ? await confirmBooking(commands, input, options)
      : await failBookingPayment(commands, input, options);
    return result.position;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    log.warn({ err: error, eventId: event.id, paymentId }, 'webhook event refused; acknowledged');
    return undefined;
  }
}
