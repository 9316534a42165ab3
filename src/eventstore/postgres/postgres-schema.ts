import type { SqlClient } from './sql-client.js';

/** The channel appends notify on: a wake-up for readers, never data. */
export const EVENTS_CHANNEL = 'cowatch_events';

const DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS streams (
    stream_id text PRIMARY KEY,
    revision bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    tx_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL,
    revision bigint NOT NULL,
    event_id uuid NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, revision),
    UNIQUE (stream_id, event_id)
  )`,
  'CREATE INDEX IF NOT EXISTS events_tx_id_global_position_idx ON events (tx_id, global_position)',
];

/** Creates the event store tables in the current schema if they are missing (idempotent). */
export async function migrateEventStore(client: SqlClient): Promise<void> {
  await client.transaction(async (tx) => {
    // Concurrent IF NOT EXISTS can still collide in the catalog; one migrator at a time.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('cowatch_event_store_migration'))");
    for (const statement of DDL) await tx.query(statement);
  });
}
