import { describe, expect, it } from 'vitest';
import { SimulatedBilling } from '../../src/billing/simulated-billing.js';
import { StripeBilling } from '../../src/billing/stripe-billing.js';
import { loadConfig } from '../../src/config.js';
import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { openRuntime, type Runtime } from '../../src/runtime.js';
import { newDataDir } from '../support/pglite-template.js';

/** Opens a runtime on a PGlite folder of its own with `env`, hands it to `check`, cleans up. */
async function withRuntimeOf(env: Record<string, string>, check: (runtime: Runtime) => void) {
  const dataDir = await newDataDir();
  try {
    const runtime = await openRuntime(
      loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir.path, ...env }),
    );
    try {
      check(runtime);
    } finally {
      await runtime.close();
    }
  } finally {
    await dataDir.remove();
  }
}

// The runtime loads the EventStoreDB client and the Stripe SDK only when configured: these
// check that the store and billing the configuration names are still the ones it opens.
describe('the stores the runtime opens', () => {
  it.each<{ name: string; env: Record<string, string>; check: (runtime: Runtime) => void }>([
    {
      name: 'EventStoreDB when EVENTSTORE_URL is set',
      // Nothing listens there: the client connects on first use, which this test never makes.
      env: { EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' },
      check: (runtime: Runtime) => expect(runtime.store).toBeInstanceOf(EventStoreDbEventStore),
    },
    {
      name: 'Stripe billing when BILLING=stripe',
      env: { BILLING: 'stripe', STRIPE_SECRET_KEY: 'sk_test_runtime' },
      check: (runtime: Runtime) => expect(runtime.billing).toBeInstanceOf(StripeBilling),
    },
    {
      name: 'the embedded SQL store and simulated billing by default',
      env: {},
      check: (runtime: Runtime) => {
        expect(runtime.store).toBeInstanceOf(PostgresEventStore);
        expect(runtime.billing).toBeInstanceOf(SimulatedBilling);
      },
    },
  ])('$name', ({ env, check }) => withRuntimeOf(env, check));
});
