import { afterEach, describe, expect, it } from 'vitest';
import {
  SimulatedBilling,
  SimulatedBillingUnavailable,
} from '../../src/billing/simulated-billing.js';
import type { EventStore, RecordedEvent } from '../../src/eventstore/event-store.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { readModelsOnPglite, readModelsOnPool } from '../../src/projections/db/connect.js';
import type { Db } from '../../src/projections/db/database.js';
import { migrateReadModels } from '../../src/projections/db/migrate.js';
import { readCheckpoint, waitForPosition } from '../../src/projections/engine/checkpoints.js';
import { type ReactorLogger, ReactorRunner } from '../../src/projections/engine/reactor-runner.js';
import { newEvent, newStreamId } from '../support/event-store.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

interface Env {
  readonly store: EventStore;
  readonly db: Db;
  close(): Promise<void>;
}

async function openEnv(): Promise<Env> {
  if (databaseUrl) {
    const schema = await createTestSchema({ max: 10 });
    const store = await PostgresEventStore.fromPool(schema.pool);
    const db = readModelsOnPool(schema.pool);
    await migrateReadModels(db);
    const close = async () => {
      await store.close();
      await db.destroy();
      await schema.drop();
    };
    return { store, db, close };
  }
  const pglite = await openFreshPglite();
  const store = await PostgresEventStore.fromPglite(pglite);
  const db = readModelsOnPglite(pglite);
  await migrateReadModels(db);
  const close = async () => {
    await store.close();
    await db.destroy();
    await pglite.close();
  };
  return { store, db, close };
}

const warnings: object[] = [];
const logger: ReactorLogger = {
  info: () => undefined,
  warn: (details) => warnings.push(details),
  error: () => undefined,
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  warnings.length = 0;
});

async function env(): Promise<Env> {
  const opened = await openEnv();
  cleanups.push(() => opened.close());
  return opened;
}

function runner(e: Env, react: (event: RecordedEvent) => Promise<boolean>) {
  const reactor = new ReactorRunner({
    name: 'test-reactor',
    store: e.store,
    db: e.db,
    react,
    logger,
    retryInitialMs: 5,
    lockRetryMs: 20,
  });
  cleanups.push(() => reactor.stop());
  return reactor;
}

describe('ReactorRunner', () => {
  it('retries a failing event with backoff, never skips it, and checkpoints', async () => {
    const e = await env();
    const stream = newStreamId();
    const appended = await e.store.append(stream, [newEvent('A'), newEvent('B')], {
      expectedRevision: 'no_stream',
    });
    const seen: string[] = [];
    let failures = 3;
    await runner(e, async (event) => {
      seen.push(event.type);
      if (event.type === 'A' && failures-- > 0) throw new Error('provider down');
      return event.type === 'A';
    }).start();
    expect(await waitForPosition(e.db, e.store, ['test-reactor'], appended.position)).toBe(true);
    expect(seen).toEqual(['A', 'A', 'A', 'A', 'B']);
    expect(warnings.map((w) => (w as { attempt: number }).attempt)).toEqual([1, 2, 3]);
    expect(warnings[0]).toMatchObject({ reactor: 'test-reactor', eventType: 'A' });
  });

  it('resumes after its checkpoint when restarted', async () => {
    const e = await env();
    const stream = newStreamId();
    const first = await e.store.append(stream, [newEvent('A')], { expectedRevision: 'no_stream' });
    const seen: string[] = [];
    const react = async (event: RecordedEvent) => {
      seen.push(event.type);
      return true;
    };
    const one = runner(e, react);
    await one.start();
    expect(await waitForPosition(e.db, e.store, ['test-reactor'], first.position)).toBe(true);
    await one.stop();
    const second = await e.store.append(stream, [newEvent('B')], { expectedRevision: 0n });
    await runner(e, react).start();
    expect(await waitForPosition(e.db, e.store, ['test-reactor'], second.position)).toBe(true);
    expect(seen).toEqual(['A', 'B']);
    expect(await readCheckpoint(e.db, 'test-reactor')).toBe(second.position);
  });
});

describe('SimulatedBilling', () => {
  const input = {
    bookingId: '01a2050c-3b3c-755d-8a5a-e2165c2599d4',
    screeningId: '01a2050c-3b16-73d4-8c96-2dfb7104094a',
    userId: '01a2050c-3b16-73d4-8c96-2dfb71040000',
    amount: { amount: 700, currency: 'EUR' },
  };

  it('fails at its failure rate, and a retry after a lost response opens the same payment', async () => {
    const e = await env();
    // First call: 0.1 fails it, 0.2 makes it a lost response (the payment is stored). Then 0.9 passes.
    const rolls = [0.1, 0.2, 0.9];
    const billing = new SimulatedBilling(e.db, {
      failureRate: 0.5,
      random: () => rolls.shift() ?? 1,
    });
    await expect(billing.createPayment(input)).rejects.toBeInstanceOf(SimulatedBillingUnavailable);
    const payment = await billing.createPayment(input);
    expect(payment).toEqual({
      provider: 'simulated',
      paymentId: `sim_pi_${input.screeningId}_${input.bookingId}`,
      checkoutUrl: `/api/billing/checkout/${payment.paymentId}`,
      clientSecret: null,
    });
    expect(billing.derivePayment(input)).toEqual({
      provider: 'simulated',
      paymentId: payment.paymentId,
    });
    const rows = await e.db.selectFrom('simulated_payments').selectAll().execute();
    expect(rows).toEqual([
      expect.objectContaining({ id: payment.paymentId, status: 'open', amount: 700 }),
    ]);
    const other = await billing.createPayment({ ...input, bookingId: crypto.randomUUID() });
    expect(other.paymentId).not.toBe(payment.paymentId);
  });
});
