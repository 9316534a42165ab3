import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { partitionDays } from './tracking-partitions.js';
import { utcDay } from './tracking-rows.js';

/**
 * Rewrites the daily rollups of one received day from its partition: views, likes and full
 * watches per film, and uses per search filter value. A day's rows are only added to while it
 * is today (or just after midnight), so past days, once rolled up, stay right.
 */
export async function refreshRollupDay(db: Db, day: string, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    // Two processes refreshing one day at once would both delete, then both insert.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`tracking_rollup:${day}`}))`.execute(tx);
    await sql`DELETE FROM tracking_film_daily WHERE day = ${day}::date`.execute(tx);
    await sql`INSERT INTO tracking_film_daily (day, film_id, views, likes, watched_to_end)
      SELECT ${day}::date, film_id,
        count(*) FILTER (WHERE type = 'page_view' AND NOT properties ? 'durationMs'),
        count(*) FILTER (WHERE type = 'like' AND properties->>'liked' = 'true'),
        count(*) FILTER (WHERE type = 'watched_to_end')
      FROM tracking_events
      WHERE day = ${day}::date AND film_id IS NOT NULL
        AND type IN ('page_view', 'like', 'watched_to_end')
      GROUP BY film_id`.execute(tx);
    await sql`DELETE FROM tracking_filter_daily WHERE day = ${day}::date`.execute(tx);
    await sql`INSERT INTO tracking_filter_daily (day, filter, value, uses)
      SELECT ${day}::date, f.key, f.value, count(*)
      FROM tracking_events e, jsonb_each_text(e.properties->'filters') f
      WHERE e.day = ${day}::date AND e.type = 'search_filter' AND f.value IS NOT NULL
      GROUP BY f.key, f.value`.execute(tx);
    await sql`INSERT INTO tracking_rollup_days (day, refreshed_at)
      VALUES (${day}::date, ${now.toISOString()}::timestamptz)
      ON CONFLICT (day) DO UPDATE SET refreshed_at = excluded.refreshed_at`.execute(tx);
  });
}

/**
 * Refreshes today's and yesterday's rollups, and those of any partition never rolled up (data
 * loaded in bulk, a node that was down over midnight). Returns the days refreshed.
 */
export async function refreshRollups(db: Db, now: Date): Promise<string[]> {
  const yesterday = utcDay(new Date(now.getTime() - 86_400_000));
  const { rows } = await sql<{ day: string }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day FROM tracking_rollup_days`.execute(db);
  const done = new Set(rows.map((r) => r.day));
  const today = utcDay(now);
  const days = (await partitionDays(db)).filter(
    (day) => day <= today && (day >= yesterday || !done.has(day)),
  );
  for (const day of days) await refreshRollupDay(db, day, now);
  return days;
}
