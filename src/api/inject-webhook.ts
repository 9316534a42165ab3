import type { FastifyInstance } from 'fastify';
import type { WebhookDelivery } from '../billing/webhook-delivery.js';

/**
 * Delivers the simulated billing service's webhooks as HTTP requests through the app's own
 * pipeline: real routing, raw-body parsing and signature verification, as from outside.
 */
export function injectWebhook(app: FastifyInstance): WebhookDelivery {
  return async (webhook) => {
    const response = await app.inject({
      method: 'POST',
      url: webhook.path,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': webhook.signature,
        'x-request-id': webhook.requestId,
      },
      payload: webhook.payload,
    });
    const position = response.headers['x-position'];
    return { statusCode: response.statusCode, position: position?.toString() };
  };
}
