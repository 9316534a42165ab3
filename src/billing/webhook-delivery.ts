/** Where the simulated billing service delivers its webhooks. */
export const SIMULATED_WEBHOOK_PATH = '/api/webhooks/billing';

/** A signed webhook request, as a billing service sends it. */
export interface WebhookRequest {
  readonly path: string;
  /** The raw JSON body: the signature covers these exact bytes. */
  readonly payload: string;
  /** The `Stripe-Signature` header. */
  readonly signature: string;
  /** Correlates the webhook with the checkout that caused it. */
  readonly requestId: string;
}

/** Sends a webhook over HTTP to the app; resolves its status and `X-Position`. */
export type WebhookDelivery = (
  request: WebhookRequest,
) => Promise<{ readonly statusCode: number; readonly position: string | undefined }>;
