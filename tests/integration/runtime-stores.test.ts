import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedBilling } from '../../src/billing/simulated-billing.js';
import { StripeBilling } from '../../src/billing/stripe-billing.js';
import { loadConfig } from '../../src/config.js';
import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb/eventstoredb-event-store.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { openRuntime } from '../../src/runtime.js';
import { fillWithMigratedDatabase } from '../support/pglite-template.js';

// The runtime loads the EventStoreDB client and the Stripe SDK only when configured: these
// check that the store and billing the configuration names are still the ones it opens.
describe('the stores the runtime opens', () => {
  let dataDir: string | undefined;
  afterEach(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function open(env: Record<string, string>) {
    dataDir = await mkdtemp(join(tmpdir(), 'cowatch-runtime-'));
    await fillWithMigratedDatabase(dataDir);
    return openRuntime(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }));
  }

  it('EventStoreDB when EVENTSTORE_URL is set, the embedded SQL store otherwise', async () => {
    // Nothing listens there: the client connects on first use, which this test never makes.
    const onEventStoreDb = await open({ EVENTSTORE_URL: 'esdb://127.0.0.1:1?tls=false' });
    try {
      expect(onEventStoreDb.store).toBeInstanceOf(EventStoreDbEventStore);
    } finally {
      await onEventStoreDb.close();
    }
    await rm(dataDir ?? '', { recursive: true, force: true });
    const embedded = await open({});
    try {
      expect(embedded.store).toBeInstanceOf(PostgresEventStore);
    } finally {
      await embedded.close();
    }
  });

  it('Stripe billing when BILLING=stripe, the simulated one otherwise', async () => {
    const stripe = await open({ BILLING: 'stripe', STRIPE_SECRET_KEY: 'sk_test_runtime' });
    try {
      expect(stripe.billing).toBeInstanceOf(StripeBilling);
    } finally {
      await stripe.close();
    }
    await rm(dataDir ?? '', { recursive: true, force: true });
    const simulated = await open({});
    try {
      expect(simulated.billing).toBeInstanceOf(SimulatedBilling);
    } finally {
      await simulated.close();
    }
  });
});
