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
  // Through the schema builder, not raw SQL: a rebuild runs these migrations in a scratch
  // schema (`withSchema`), which only the builder's table names follow.
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
    .execute();

  await db.schema
    .createTable('tracking_events')
    .addColumn('message_id', 'uuid', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid')
    .addColumn('anonymous_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('page_path', 'text')
    .addColumn('film_id', 'uuid')
    .addColumn('name', 'text')
    .addColumn('properties', 'jsonb', (c) => c.notNull())
    .modifyEnd(sql`PARTITION BY RANGE (day)`)
    .execute();
  // Per-film analytics read a film's few rows straight from the events.
  await db.schema
    .createIndex('tracking_events_film_idx')
    .on('tracking_events')
    .columns(['film_id', 'type', 'occurred_at'])
    .where(sql<boolean>`film_id IS NOT NULL`)
    .execute();
  // Films added per month (custom `film_added` facts) and other named custom events.
  await db.schema
    .createIndex('tracking_events_custom_idx')
    .on('tracking_events')
    .columns(['name', 'occurred_at'])
    .where(sql<boolean>`type = 'custom'`)
    .execute();

  // No index on `day`: it would slow every ingest for the sake of the daily retention delete.
  await db.schema
    .createTable('tracking_message_ids')
    .addColumn('message_id', 'uuid', (c) => c.primaryKey())
    .addColumn('day', 'date', (c) => c.notNull())
    .execute();

  // Daily rollups (by received day), rewritten whole for a day by the rollup job.
  await db.schema
    .createTable('tracking_film_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull())
    .addColumn('likes', 'integer', (c) => c.notNull())
    .addColumn('watched_to_end', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_film_daily_pk', ['day', 'film_id'])
    .execute();
  await db.schema
    .createTable('tracking_filter_daily')
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('uses', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_filter_daily_pk', ['day', 'filter', 'value'])
    .execute();
  await db.schema
    .createTable('tracking_rollup_days')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tracking_rollup_days',
    'tracking_filter_daily',
    'tracking_film_daily',
    'tracking_message_ids',
    'tracking_events',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('users').dropColumn('role').execute();
}
