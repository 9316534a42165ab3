import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { confirmBooking, failBookingPayment } from '../../commands/booking-commands.js';
import type { CommandContext } from '../../commands/command-context.js';
import { DomainError } from '../../domain/errors.js';
import type { Db } from '../../projections/db/database.js';
import { plainString } from '../schemas/text.js';

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

/** A claim older than this whose delivery never completed is taken over (its process died). */
const CLAIM_LEASE_MS = 60_000;
/** How long a duplicate waits for the delivery that claimed the event before giving up. */
const CLAIM_WAIT_MS = 10_000;
const CLAIM_POLL_MS = 25;

/** A concurrent delivery of the same event is still processing it: the provider retries. */
export class WebhookInProgress extends Error {
  constructor(readonly eventId: string) {
    super(`webhook event ${eventId} is being processed by another delivery`);
  }
}

/**
 * Runs the booking command a payment event calls for, once per event id. A delivery first
 * claims the id (a unique insert), so of concurrent duplicates exactly one runs the command and
 * answers as the first; the others wait for it to complete and answer `duplicate`. A failed
 * command gives the claim back so the provider's retry runs it; a claim whose process died is
 * taken over after a lease (the commands are idempotent by event id). A refusal is logged and
 * acknowledged, since the provider would retry it forever; a store failure propagates.
 */
export async function processPaymentWebhook(
  deps: WebhookDeps,
  provider: WebhookProvider,
  event: WebhookEvent,
  correlationId: string,
): Promise<WebhookOutcome> {
  const { db } = deps;
  const key = { provider, eventId: event.id };
  if (!(await claimOrWait(db, key))) return { duplicate: true, position: undefined };
  let position: string | undefined;
  try {
    position = await runCommand(deps, event, correlationId);
  } catch (error) {
    await db
      .deleteFrom('processed_webhooks')
      .where('provider', '=', provider)
      .where('event_id', '=', event.id)
      .where('completed_at', 'is', null)
      .execute();
    throw error;
  }
  await db
    .updateTable('processed_webhooks')
    .set({ completed_at: new Date() })
    .where('provider', '=', provider)
    .where('event_id', '=', event.id)
    .execute();
  return { duplicate: false, position };
}

type ClaimKey = { readonly provider: WebhookProvider; readonly eventId: string };

/** True when this delivery owns the event; false once another delivery has completed it. */
async function claimOrWait(db: Db, { provider, eventId }: ClaimKey): Promise<boolean> {
  const deadline = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    const claimed = await db
      .insertInto('processed_webhooks')
      .values({ provider, event_id: eventId, processed_at: new Date(), completed_at: null })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
      .returning('event_id')
      .executeTakeFirst();
    if (claimed) return true;
    const stale = new Date(Date.now() - CLAIM_LEASE_MS);
    const takenOver = await db
      .updateTable('processed_webhooks')
      .set({ processed_at: new Date() })
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .where('completed_at', 'is', null)
      .where('processed_at', '<', stale)
      .returning('event_id')
      .executeTakeFirst();
    if (takenOver) return true;
    const row = await db
      .selectFrom('processed_webhooks')
      .select('completed_at')
      .where('provider', '=', provider)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (row?.completed_at != null) return false;
    // Processing elsewhere (wait for its outcome) or given back (claim again).
    if (Date.now() > deadline) throw new WebhookInProgress(eventId);
    await sleep(CLAIM_POLL_MS);
  }
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
