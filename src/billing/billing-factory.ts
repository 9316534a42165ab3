import type { BillingProvider } from '../commands/billing-provider.js';
import type { Config } from '../config.js';
import type { Db } from '../projections/db/database.js';
import { SimulatedBilling } from './simulated-billing.js';

/**
 * The billing provider BILLING names, configured from the environment. The Stripe SDK (218
 * modules) is loaded only when BILLING=stripe: the CLI and the simulated default never need it.
 */
export async function createBillingProvider(config: Config, db: Db): Promise<BillingProvider> {
  if (config.BILLING === 'stripe') {
    // loadConfig refuses BILLING=stripe without a key; this guards a hand-built config.
    if (!config.STRIPE_SECRET_KEY) throw new Error('BILLING=stripe needs STRIPE_SECRET_KEY');
    const { StripeBilling, stripeClient } = await import('./stripe-billing.js');
    return new StripeBilling(stripeClient(config.STRIPE_SECRET_KEY, config.STRIPE_API_BASE));
  }
  return new SimulatedBilling(db, {
    latencyMs: config.SIMULATED_BILLING_LATENCY_MS,
    failureRate: config.SIMULATED_BILLING_FAILURE_RATE,
  });
}
