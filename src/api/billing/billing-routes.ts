import { z } from 'zod';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import type { RouteDeps } from '../routes/index.js';
import type { TypedApp } from '../routes/typed-app.js';
import { plainString } from '../schemas/text.js';
import { completeSimulatedCheckout } from './simulated-checkout.js';

const checkoutParams = z.object({ paymentId: plainString().min(1).max(100) });
const checkoutBody = z.object({ outcome: z.enum(['succeeded', 'failed']) });
const checkoutResult = z.object({
  paymentId: z.string(),
  status: z.enum(['succeeded', 'failed']),
});

/** The simulated billing service's checkout page (BILLING=simulated), where the payer lands. */
export async function billingRoutes(app: TypedApp, { runtime, billing }: RouteDeps) {
  if (!billing) return;
  app.post(
    '/api/billing/checkout/:paymentId',
    {
      config: { idempotent: true },
      schema: {
        tags: ['payments'],
        security: [{ bearer: [] }],
        description:
          "Completes a simulated payment: the booking's owner, signed in, posts here at " +
          '`payment.checkoutUrl` (401 without a token; 404 payment_not_found for anyone else, ' +
          'as for an unknown payment). The simulated service then delivers a signed webhook to ' +
          '`/api/webhooks/billing`; 200 once it was acknowledged, `X-Position` being the ' +
          'position of the booking it confirmed or cancelled. 202 when the outcome is recorded ' +
          'but the webhook not yet acknowledged: it is delivered until it is, and the booking ' +
          'follows. Retrying the same outcome answers likewise; another outcome is 409 ' +
          'payment_not_open.',
        params: checkoutParams,
        body: checkoutBody,
        response: { 200: checkoutResult, 202: checkoutResult },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { paymentId } = request.params;
      const { outcome } = request.body;
      const { db, commands, now } = runtime;
      const result = await completeSimulatedCheckout(
        { db, commands, now, ...billing },
        { paymentId, outcome, requestId: request.id, userId },
      );
      if (!result.acknowledged) return reply.code(202).send({ paymentId, status: outcome });
      setPosition(reply, result.position);
      return { paymentId, status: outcome };
    },
  );
}
