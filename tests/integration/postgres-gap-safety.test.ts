import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/eventstore/event-store.js';
import { PgSqlClient } from '../../src/eventstore/postgres/pg-sql-client.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { parsePosition, START } from '../../src/eventstore/postgres/postgres-position.js';
import { readFeedBatch } from '../../src/eventstore/postgres/postgres-subscription.js';
import type { SqlClient, SqlResult } from '../../src/eventstore/postgres/sql-client.js';
import {
  eventually,
  ids,
  newEvents,
  newStreamId,
  readFeedUntilNow,
} from '../support/event-store.js';
import { createTestSchema, databaseUrl, type TestSchema } from '../support/postgres.js';

/**
 * A SqlClient whose transactions (and append statements) run the adapter's own statements,
 * then stay open until `release()`: the slow writer is the real append code, held just before
 * COMMIT.
 */
class HeldOpenClient implements SqlClient {
  readonly #inner: SqlClient;
  #open: (commit: boolean) => void = () => undefined;
  readonly #gate = new Promise<boolean>((resolve) => {
    this.#open = resolve;
  });
  #wrote: (result: unknown) => void = () => undefined;
  /** Resolves with what the adapter's transaction (or append statement) returned, before it commits. */
  readonly written = new Promise<unknown>((resolve) => {
    this.#wrote = resolve;
  });

  constructor(inner: SqlClient) {
    this.#inner = inner;
    // Never outlive a failed test: an open transaction holds back every feed in the cluster.
    setTimeout(() => this.release(false), 20_000).unref();
  }

  /** Lets the held transaction COMMIT (true) or ROLLBACK (false). */
  release(commit: boolean): void {
    this.#open(commit);
  }

  query<R>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
    // The append is one statement in its own transaction: run it in one held open instead.
    if (sql.includes('INSERT INTO events'))
      return this.transaction((tx) => tx.query<R>(sql, params));
    return this.#inner.query<R>(sql, params);
  }

  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    return this.#inner.transaction(async (tx) => {
      const result = await fn(tx);
      this.#wrote(result);
      if (!(await this.#gate)) throw new RangeError('held transaction rolled back by the test');
      return result;
    });
  }

  listen(channel: string, onNotify: (payload: string) => void) {
    return this.#inner.listen(channel, onNotify);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Counts the feed reads the subscriber makes, to know it looked without sleeping. */
class CountingClient extends PgSqlClient {
  feedReads = 0;

  override query<R>(sql: string, params?: readonly unknown[]): Promise<SqlResult<R>> {
    if (sql.includes('pg_snapshot_xmin')) this.feedReads++;
    return super.query<R>(sql, params);
  }
}

describe.skipIf(databaseUrl === undefined)('gap-safe global feed on PostgreSQL', () => {
  let schema: TestSchema;
  let store: PostgresEventStore;
  const held: HeldOpenClient[] = [];
  const holdOpen = () => {
    const client = new HeldOpenClient(new PgSqlClient(schema.pool));
    held.push(client);
    return client;
  };

  beforeEach(async () => {
    schema = await createTestSchema();
    store = await PostgresEventStore.fromPool(schema.pool);
  });

  afterEach(async () => {
    for (const client of held.splice(0)) client.release(false);
    await store.close();
    await schema.drop();
  });

  it('holds back a later commit until an earlier open transaction ends, then delivers both once', async () => {
    const [x, y] = [newStreamId(), newStreamId()];
    const [slowEvents, fastEvents] = [newEvents(2), newEvents(1)];
    const slowClient = holdOpen();
    const slow = new PostgresEventStore(slowClient).append(x, slowEvents, {
      expectedRevision: 'no_stream',
    });
    slow.catch(() => undefined); // rejected only when afterEach rolls back a failed test
    // What the held append statement returned: its last event's row, not yet committed.
    const wrote = (await slowClient.written) as SqlResult<{
      tx_id: string;
      global_position: string;
    }>;
    const p1 = {
      txId: BigInt(wrote.rows[0]!.tx_id),
      globalPosition: BigInt(wrote.rows[0]!.global_position),
    };

    const fast = await store.append(y, fastEvents, { expectedRevision: 'no_stream' });
    const p2 = parsePosition(fast.position);
    expect(p2.globalPosition).toBeGreaterThan(p1.globalPosition);
    expect(p2.txId).toBeGreaterThan(p1.txId);

    // A naive reader, ordering by global_position alone, sees B now and moves its checkpoint past A.
    const naive = await schema.pool.query<{ global_position: string }>(
      'SELECT global_position::text AS global_position FROM events ORDER BY global_position',
    );
    expect(naive.rows.map((row) => BigInt(row.global_position))).toEqual([p2.globalPosition]);

    const reader = new CountingClient(schema.pool);
    const subscriber = new PostgresEventStore(reader, { ownsClient: true, feed: { pollMs: 20 } });
    const controller = new AbortController();
    const delivered: RecordedEvent[] = [];
    const following = (async () => {
      for await (const event of subscriber.subscribeAll({ signal: controller.signal })) {
        delivered.push(event);
      }
    })();
    try {
      // Several complete reads after B committed, and still nothing: B waits for A.
      expect(await eventually(() => reader.feedReads >= 5)).toBe(true);
      expect(delivered).toEqual([]);

      slowClient.release(true);
      await slow;
      const whole = await readFeedUntilNow(store, undefined, new Set([x, y]));
      expect(ids(whole)).toEqual(ids([...slowEvents, ...fastEvents]));
      const ours = () => delivered.filter((event) => event.streamId === x || event.streamId === y);
      // The sentinel appended by readFeedUntilNow comes after A and B: once it is delivered,
      // everything of A and B that will ever be delivered has been.
      expect(await eventually(() => delivered.some((event) => event.type === 'Sentinel'))).toBe(
        true,
      );
      expect(ids(ours())).toEqual(ids(whole));

      for (const [k, checkpoint] of whole.entries()) {
        const rest = await readFeedUntilNow(store, checkpoint.position, new Set([x, y]));
        expect(ids(rest)).toEqual(ids(whole.slice(k + 1)));
      }

      // The naive reader resumes after B's position and never sees A.
      const naiveAfter = await schema.pool.query(
        'SELECT 1 FROM events WHERE global_position > $1 AND stream_id = $2',
        [`${p2.globalPosition}`, x],
      );
      expect(naiveAfter.rows).toEqual([]);
    } finally {
      controller.abort();
      await following;
      await subscriber.close();
    }
  });

  it('releases the held-back events when the earlier transaction rolls back', async () => {
    const [x, y] = [newStreamId(), newStreamId()];
    const slowClient = holdOpen();
    const slow = new PostgresEventStore(slowClient).append(x, newEvents(1), {
      expectedRevision: 'no_stream',
    });
    slow.catch(() => undefined); // asserted below
    await slowClient.written;
    const fastEvents = newEvents(1);
    await store.append(y, fastEvents, { expectedRevision: 'no_stream' });
    const reader = new PgSqlClient(schema.pool);
    expect(await readFeedBatch(reader, START, 10)).toEqual([]);

    slowClient.release(false);
    await expect(slow).rejects.toBeInstanceOf(RangeError);
    const after = await readFeedUntilNow(store, undefined, new Set([x, y]));
    expect(ids(after)).toEqual(ids(fastEvents));
    expect(await store.read(x)).toEqual({ events: [], revision: null });
  });
});
