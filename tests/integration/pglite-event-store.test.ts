import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteSqlClient } from '../../src/eventstore/postgres/pglite-sql-client.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { migrateEventStore } from '../../src/eventstore/postgres/postgres-schema.js';
import { newEvents, newStreamId, within } from '../support/event-store.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { describeEventStoreConformance } from './event-store-conformance.js';

// One in-memory PGlite per file: starting one takes seconds. Tests use random stream ids and
// the suite never assumes an empty log, so they do not see each other.
let shared: Promise<PGlite> | undefined;

afterAll(async () => {
  await (await shared)?.close();
});

describeEventStoreConformance('PostgresEventStore on PGlite', async () => {
  shared ??= openFreshPglite();
  const store = await PostgresEventStore.fromPglite(await shared);
  return { store, cleanup: () => store.close() };
});

describe('PostgresEventStore on PGlite, adapter specifics', () => {
  let db: PGlite;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await openFreshPglite();
    store = await PostgresEventStore.fromPglite(db, { ownsDatabase: true });
  });

  afterAll(async () => {
    await store.close();
    expect(db.closed).toBe(true);
  });

  it('has no head position on an empty log, then the last appended one', async () => {
    expect(await store.headPosition()).toBeUndefined();
    const result = await store.append(newStreamId(), newEvents(2), {
      expectedRevision: 'no_stream',
    });
    expect(await store.headPosition()).toBe(result.position);
  });

  it('compares positions as numbers, never as strings', () => {
    expect(store.comparePositions('9-1', '10-0')).toBeLessThan(0);
    expect(store.comparePositions('10-2', '10-11')).toBeLessThan(0);
    expect(store.comparePositions('10-11', '10-11')).toBe(0);
    expect(store.comparePositions('11-1', '10-99')).toBeGreaterThan(0);
    expect(() => store.comparePositions('10', '10-1')).toThrow(RangeError);
  });

  it('reports the last event position on an empty append to an existing stream', async () => {
    const stream = newStreamId();
    const appended = await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
    expect(await store.append(stream, [], { expectedRevision: 2n })).toEqual(appended);
  });

  it('migrates idempotently', async () => {
    const client = new PgliteSqlClient(db);
    await migrateEventStore(client);
    await migrateEventStore(client);
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM streams');
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  it('nests transactions as savepoints without waiting on itself', async () => {
    const client = new PgliteSqlClient(db);
    await client.query('CREATE TABLE IF NOT EXISTS nested_probe (n int)');
    const run = client.transaction(async (tx) => {
      await tx.query('INSERT INTO nested_probe VALUES (1)');
      await tx
        .transaction(async (inner) => {
          await inner.query('INSERT INTO nested_probe VALUES (2)');
          throw new RangeError('roll back the inner part only');
        })
        .catch((error: unknown) => expect(error).toBeInstanceOf(RangeError));
      await tx.transaction((inner) => inner.query('INSERT INTO nested_probe VALUES (3)'));
    });
    expect(await within(run, 5_000)).not.toBe('timeout');
    const { rows } = await client.query<{ n: number }>('SELECT n FROM nested_probe ORDER BY n');
    expect(rows.map((row) => row.n)).toEqual([1, 3]);
  });
});
