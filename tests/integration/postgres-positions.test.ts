import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/event-store.js';
import { PgSqlClient } from '../../src/eventstore/postgres/pg-sql-client.js';
import { PgliteSqlClient } from '../../src/eventstore/postgres/pglite-sql-client.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { parsePosition } from '../../src/eventstore/postgres/postgres-position.js';
import { migrateEventStore } from '../../src/eventstore/postgres/postgres-schema.js';
import type { SqlClient } from '../../src/eventstore/postgres/sql-client.js';
import { newEvents, newStreamId, readFeedUntilNow } from '../support/event-store.js';
import { openFreshPglite } from '../support/pglite-template.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';

/**
 * Positions are "<tx_id>-<global_position>" and compare as numbers. Every query that orders or
 * compares them must do so on the xid8/bigint columns, never on their text: "99" > "100" as text.
 * Each store below holds a log whose transaction ids cross a power of ten.
 */
async function expectNumericOrderEverywhere(store: PostgresEventStore, streams: string[]) {
  const feed = await readFeedUntilNow(store, undefined, new Set(streams));
  const txIds = feed.map((event) => parsePosition(event.position).txId);
  const digits = new Set(txIds.map((txId) => `${txId}`.length));
  expect(digits.size, 'the log crosses a digit boundary of tx ids').toBeGreaterThan(1);
  // The feed is in numeric (tx_id, global_position) order...
  const sorted = [...feed].sort((a, b) => store.comparePositions(a.position, b.position));
  expect(feed.map((event) => event.position)).toEqual(sorted.map((event) => event.position));
  expect(txIds).toEqual([...txIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  // ...the head is the last event of the feed (the sentinel readFeedUntilNow appended last)...
  const head = await store.headPosition();
  const last = feed.at(-1)!;
  expect(head).toBeDefined();
  expect(store.comparePositions(head!, last.position)).toBeGreaterThan(0);
  // ...and resuming from each position before the boundary delivers exactly the rest.
  for (const [k, event] of feed.entries()) {
    const rest: RecordedEvent[] = await readFeedUntilNow(store, event.position, new Set(streams));
    expect(rest.map((e) => e.id)).toEqual(feed.slice(k + 1).map((e) => e.id));
  }
}

/** Appends one event per transaction until the tx id crosses the next power of ten. */
async function appendAcrossBoundary(store: PostgresEventStore, client: SqlClient) {
  const stream = newStreamId();
  const first = await store.append(stream, newEvents(1), { expectedRevision: 'no_stream' });
  const start = parsePosition(first.position).txId;
  const boundary = 10n ** BigInt(`${start}`.length);
  // Burn ids one transaction at a time up to just below the boundary, then append across it.
  for (let burnt = start + 1n; burnt < boundary - 2n; burnt++) {
    await client.query('SELECT pg_current_xact_id()');
  }
  let revision = 0n;
  for (let i = 0; i < 12; i++) {
    const result = await store.append(stream, newEvents(1), { expectedRevision: revision });
    revision = result.nextRevision;
  }
  // Twelve revisions cross 9 → 10 as well: the stream reads back in revision order.
  const read = await store.read(stream);
  expect(read.revision).toBe(12n);
  expect(read.events.map((event) => event.revision)).toEqual(
    Array.from({ length: 13 }, (_, i) => BigInt(i)),
  );
  return stream;
}

describe('positions across a digit boundary of transaction ids', () => {
  it('PGlite: real appends cross it, and every position query orders numerically', async () => {
    const db = await openFreshPglite();
    const client = new PgliteSqlClient(db);
    await migrateEventStore(client);
    const store = new PostgresEventStore(client);
    try {
      const stream = await appendAcrossBoundary(store, client);
      await expectNumericOrderEverywhere(store, [stream]);
    } finally {
      await db.close();
    }
  }, 60_000);

  it.skipIf(databaseUrl === undefined)(
    'PostgreSQL: a log seeded across 99 → 100 orders numerically in every query',
    async () => {
      const schema = await createTestSchema();
      const client = new PgSqlClient(schema.pool);
      try {
        await migrateEventStore(client);
        const store = new PostgresEventStore(client);
        const stream = newStreamId();
        // The shared cluster is far past these ids: rows of old, committed transactions.
        const txIds = ['98', '99', '100', '101'];
        await client.query('INSERT INTO streams (stream_id, revision) VALUES ($1, $2)', [
          stream,
          `${txIds.length - 1}`,
        ]);
        for (const [revision, txId] of txIds.entries()) {
          const [event] = newEvents(1);
          await client.query(
            `INSERT INTO events (tx_id, stream_id, revision, event_id, type, data, metadata)
            VALUES ($1::xid8, $2, $3, $4, $5, $6, $7)`,
            [
              txId,
              stream,
              revision,
              event!.id,
              event!.type,
              JSON.stringify(event!.data),
              JSON.stringify(event!.metadata),
            ],
          );
        }
        // Seeded rows only: the head is the highest tx id, not the highest text.
        expect(await store.headPosition()).toMatch(/^101-/);
        await expectNumericOrderEverywhere(store, [stream]);
      } finally {
        await client.close();
        await schema.drop();
      }
    },
  );
});
