import { type Kysely, sql } from 'kysely';

/**
 * Activity tracking storage and the admin role. Tracking rows are high-volume facts, not read
 * models: no projection writes them and a rebuild never swaps them (only READ_MODEL_TABLES are
 * swapped), so they live beside the read models under their own `tracking_` tables.
 *
 * `tracking_events` is partitioned by `day`, the UTC day the server *received* the event: only
 * today's partition (and yesterday's around midnight) ever takes writes, so partitions can be
 * created ahead and old ones detached, and a rollup of a past day never changes again.
 *
 * Dedupe: a unique index on a partitioned table must contain the partition key, so
 * `(message_id)` alone cannot be unique there; and a retry may arrive on another day. The
 * message ids therefore go to `tracking_message_ids`, a plain table whose primary key is the
 * dedupe, written in the same statement as the events (only rows whose id was new go on), and
 * pruned with the partitions it covers: a message id is deduplicated as long as its data is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
    .execute();

  await sql`CREATE TABLE tracking_events (
    message_id uuid NOT NULL,
    day date NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    type text NOT NULL,
    user_id uuid,
    anonymous_id text,
    session_id text,
    page_path text,
    film_id uuid,
    name text,
    properties jsonb NOT NULL
  ) PARTITION BY RANGE (day)`.execute(db);
  // Per-film analytics read a film's few rows straight from the events.
  await sql`CREATE INDEX tracking_events_film_idx ON tracking_events (film_id, type, occurred_at)
    WHERE film_id IS NOT NULL`.execute(db);
  // Films added per month (custom `film_added` facts) and other named custom events.
  await sql`CREATE INDEX tracking_events_custom_idx ON tracking_events (name, occurred_at)
    WHERE type = 'custom'`.execute(db);

  await sql`CREATE TABLE tracking_message_ids (
    message_id uuid PRIMARY KEY,
    day date NOT NULL
  )`.execute(db);
  // No index on `day`: it would slow every ingest for the sake of the daily retention delete.

  // Daily rollups (by received day), rewritten whole for a day by the rollup job.
  await sql`CREATE TABLE tracking_film_daily (
    day date NOT NULL,
    film_id uuid NOT NULL,
    views integer NOT NULL,
    likes integer NOT NULL,
    watched_to_end integer NOT NULL,
    PRIMARY KEY (day, film_id)
  )`.execute(db);
  await sql`CREATE TABLE tracking_filter_daily (
    day date NOT NULL,
    filter text NOT NULL,
    value text NOT NULL,
    uses integer NOT NULL,
    PRIMARY KEY (day, filter, value)
  )`.execute(db);
  await sql`CREATE TABLE tracking_rollup_days (
    day date PRIMARY KEY,
    refreshed_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tracking_rollup_days',
    'tracking_filter_daily',
    'tracking_film_daily',
    'tracking_message_ids',
    'tracking_events',
  ]) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
  await db.schema.alterTable('users').dropColumn('role').execute();
}
