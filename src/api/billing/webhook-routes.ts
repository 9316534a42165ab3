import Stripe from 'stripe';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { setPosition } from '../plugins/consistency.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import {
  processPaymentWebhook,
  type WebhookEvent,
  WebhookInProgress,
  type WebhookProvider,
  webhookEventSchema,
} from './payment-webhooks.js';

const tags = ['payments'];
const ack = z.object({
  received: z.literal(true),
  duplicate: z.literal(true).optional().describe('The event id was processed before'),
});

/** Verifies a Stripe-scheme signature over the raw body and reads the event. */
function verifiedEvent(raw: unknown, header: unknown, secret: string | undefined): WebhookEvent {
  const body = Buffer.isBuffer(raw) || typeof raw === 'string' ? raw : undefined;
  if (secret === undefined || body === undefined || typeof header !== 'string') {
    throw new ApiError('invalid_signature', 'the Stripe-Signature header is missing or invalid');
  }
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(body, header, secret);
  } catch {
    throw new ApiError('invalid_signature', 'the Stripe-Signature does not match the payload');
  }
  const parsed = webhookEventSchema.safeParse(event);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ApiError('invalid_body', `the payload is not a billing event (${where})`);
  }
  return parsed.data;
}

/**
 * Billing webhooks: the simulated service's and Stripe's. They live in their own plugin because
 * its JSON parser keeps the raw bytes, which the signature covers.
 */
export async function webhookRoutes(app: TypedApp, { runtime, billing }: RouteDeps) {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );
  const webhook = (path: string, provider: WebhookProvider, secret: string | undefined) =>
    app.post(
      path,
      {
        schema: {
          tags,
          description:
            `${provider === 'stripe' ? 'Stripe' : 'The simulated billing service'} posts ` +
            '`payment_intent.succeeded` (confirms the booking) and ' +
            '`payment_intent.payment_failed` (cancels it) here, signed with the Stripe scheme ' +
            '(`Stripe-Signature` over the raw body). Each event id is processed once.',
          response: { 200: ack },
        },
      },
      async (request, reply) => {
        const event = verifiedEvent(request.body, request.headers['stripe-signature'], secret);
        const deps = { db: runtime.db, commands: runtime.commands, log: request.log };
        const outcome = await processPaymentWebhook(deps, provider, event, request.id).catch(
          (error: unknown) => {
            if (!(error instanceof WebhookInProgress)) throw error;
            throw new ApiError('concurrency_conflict', error.message);
          },
        );
        setPosition(reply, outcome.position);
        return outcome.duplicate
          ? { received: true as const, duplicate: true as const }
          : { received: true as const };
      },
    );
  webhook('/api/webhooks/billing', 'simulated', billing?.webhookSecret);
  webhook('/api/webhooks/stripe', 'stripe', runtime.config.STRIPE_WEBHOOK_SECRET);
}
