import type { Kysely } from 'kysely';

/**
 * Per-film rollups that one film's analytics read instead of its raw events (at 10 million
 * events a popular film has hundreds of thousands of rows). Keyed by the received `day` (the
 * partition they are rebuilt from, whole, like the other rollups) *and* the UTC day the events
 * occurred, so a window's whole days come from here and only its partial edge days and the
 * partitions not yet sealed are read raw: the figures stay exact and fresh.
 *
 * Also the `referrer` column of tracking events (sent as `page.referrer`, not stored before).
 *
 * Distinct viewers cannot be summed, so the viewers of a film per occurred day are kept
 * themselves (narrow rows, read by an index range) and counted distinct across the window.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Where a page view came from (`page.referrer`), kept beside its path.
  await db.schema.alterTable('tracking_events').addColumn('referrer', 'text').execute();
  await db.schema
    .createTable('tracking_film_days')
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('occurred_day', 'date', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('views', 'integer', (c) => c.notNull())
    .addColumn('likes', 'integer', (c) => c.notNull())
    .addColumn('watched_to_end', 'integer', (c) => c.notNull())
    // Page views sent again on leaving the page, with `durationMs`: time on page.
    .addColumn('timed_views', 'integer', (c) => c.notNull())
    .addColumn('time_on_page_ms', 'numeric', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_film_days_pk', ['film_id', 'occurred_day', 'day'])
    .execute();
  await db.schema
    .createTable('tracking_film_quality_days')
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('occurred_day', 'date', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('from_quality', 'text', (c) => c.notNull())
    .addColumn('to_quality', 'text', (c) => c.notNull())
    .addColumn('changes', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_film_quality_days_pk', [
      'film_id',
      'occurred_day',
      'day',
      'from_quality',
      'to_quality',
    ])
    .execute();
  await db.schema
    .createTable('tracking_film_viewer_days')
    .addColumn('film_id', 'uuid', (c) => c.notNull())
    .addColumn('occurred_day', 'date', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('viewer', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('tracking_film_viewer_days_pk', [
      'film_id',
      'occurred_day',
      'day',
      'viewer',
    ])
    .execute();
  // A day's rollup is deleted and rewritten by received day.
  for (const table of [
    'tracking_film_days',
    'tracking_film_quality_days',
    'tracking_film_viewer_days',
  ]) {
    await db.schema.createIndex(`${table}_day_idx`).on(table).column('day').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tracking_film_viewer_days',
    'tracking_film_quality_days',
    'tracking_film_days',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('tracking_events').dropColumn('referrer').execute();
}
