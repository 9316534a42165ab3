import { z } from 'zod';
import { completeSimulatedCheckout } from '../../projections/billing/simulated-checkout.js';
import { requireUser } from '../plugins/authentication.js';
import { setPosition } from '../plugins/consistency.js';
import { plainString } from '../schemas/text.js';
import type { RouteDeps } from './index.js';
import type { TypedApp } from './typed-app.js';

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
          '`/api/webhooks/billing`; `X-Position` is the position of the booking it confirmed ' +
          'or cancelled.',
        params: checkoutParams,
        body: checkoutBody,
        response: { 200: checkoutResult },
      },
    },
    async (request, reply) => {
      const userId = requireUser(request);
      const { paymentId } = request.params;
      const { outcome } = request.body;
      const result = await completeSimulatedCheckout(
        { db: runtime.db, commands: runtime.commands, ...billing },
        { paymentId, outcome, requestId: request.id, userId },
      );
      setPosition(reply, result.position);
      return { paymentId, status: outcome };
    },
  );
}
