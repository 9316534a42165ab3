import { describe, expect, it } from 'vitest';
import { PgSqlClient } from '../../src/eventstore/postgres/pg-sql-client.js';
import { PostgresEventStore } from '../../src/eventstore/postgres/postgres-event-store.js';
import { migrateEventStore } from '../../src/eventstore/postgres/postgres-schema.js';
import { eventually, newEvents, newStreamId } from '../support/event-store.js';
import { createTestSchema, databaseUrl } from '../support/postgres.js';
import { describeEventStoreConformance } from './event-store-conformance.js';

const skipReason = databaseUrl === undefined ? 'DATABASE_URL not set' : undefined;

// Every test gets its own schema: a schema costs milliseconds on a real server.
describeEventStoreConformance(
  'PostgresEventStore on PostgreSQL',
  databaseUrl === undefined
    ? undefined
    : async () => {
        const schema = await createTestSchema({ max: 25 });
        const store = await PostgresEventStore.fromPool(schema.pool);
        return {
          store,
          async cleanup() {
            await store.close();
            await schema.drop();
          },
        };
      },
  skipReason,
);

describe.skipIf(databaseUrl === undefined)(
  'PostgresEventStore on PostgreSQL, adapter specifics',
  () => {
    it('migrates idempotently, even concurrently', async () => {
      const schema = await createTestSchema();
      const client = new PgSqlClient(schema.pool);
      try {
        await Promise.all([1, 2, 3].map(() => migrateEventStore(client)));
        await migrateEventStore(client);
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`,
          [schema.schema],
        );
        expect(rows[0]?.n).toBe(2);
      } finally {
        await client.close();
        await schema.drop();
      }
    });

    it('nested transactions are savepoints on the same connection', async () => {
      const schema = await createTestSchema();
      const client = new PgSqlClient(schema.pool);
      try {
        await client.query('CREATE TABLE probe (n int)');
        await client.transaction(async (tx) => {
          await tx.query('INSERT INTO probe VALUES (1)');
          const inner = tx.transaction(async (nested) => {
            await nested.query('INSERT INTO probe VALUES (2)');
            throw new RangeError('roll back the inner part only');
          });
          await expect(inner).rejects.toBeInstanceOf(RangeError);
        });
        const { rows } = await client.query<{ n: number }>('SELECT n FROM probe');
        expect(rows.map((row) => row.n)).toEqual([1]);
      } finally {
        await client.close();
        await schema.drop();
      }
    });

    it('keeps listening after its connection is killed', async () => {
      const schema = await createTestSchema();
      const client = new PgSqlClient(schema.pool);
      try {
        const heard: string[] = [];
        const unlisten = await client.listen('probe_channel', (payload) => heard.push(payload));
        const killed = await client.query<{ ok: boolean }>(
          `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE application_name = $1 AND query ILIKE 'LISTEN%'`,
          [schema.schema],
        );
        expect(killed.rows).toEqual([{ ok: true }]);
        // NOTIFY until one is heard: the listener reconnects in the background.
        const notify = setInterval(() => {
          client.query("SELECT pg_notify('probe_channel', 'after')").catch(() => undefined);
        }, 50);
        const reconnected = await eventually(() => heard.includes('after'));
        clearInterval(notify);
        expect(reconnected).toBe(true);
        await unlisten();
      } finally {
        await client.close();
        await schema.drop();
      }
    });

    it('follows the feed of its own schema only', async () => {
      const [one, two] = [await createTestSchema(), await createTestSchema()];
      const [storeOne, storeTwo] = [
        await PostgresEventStore.fromPool(one.pool),
        await PostgresEventStore.fromPool(two.pool),
      ];
      try {
        await storeOne.append(newStreamId(), newEvents(1), { expectedRevision: 'no_stream' });
        expect(await storeTwo.headPosition()).toBeUndefined();
      } finally {
        await Promise.all([storeOne.close(), storeTwo.close()]);
        await Promise.all([one.drop(), two.drop()]);
      }
    });
  },
);
