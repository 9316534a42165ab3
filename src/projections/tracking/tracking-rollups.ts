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
    await refreshFilmDays(tx, day);
    await sql`INSERT INTO tracking_rollup_days (day, refreshed_at)
      VALUES (${day}::date, ${now.toISOString()}::timestamptz)
      ON CONFLICT (day) DO UPDATE SET refreshed_at = excluded.refreshed_at`.execute(tx);
  });
}

/**
 * The per-film rollups by occurred day (see migration 015) of one received day, written in
 * film order: a film's rows of a day then share a page or two, and reading one film over a
 * month touches a few dozen pages instead of one per row (measured: 10.8 ms for 3,233 viewer
 * rows written in arrival order).
 */
async function refreshFilmDays(tx: Db, day: string): Promise<void> {
  const occurred = sql`(occurred_at AT TIME ZONE 'UTC')::date`;
  await sql`DELETE FROM tracking_film_days WHERE day = ${day}::date`.execute(tx);
  await sql`INSERT INTO tracking_film_days (film_id, occurred_day, day, views, likes,
      watched_to_end, timed_views, time_on_page_ms)
    SELECT film_id, ${occurred}, ${day}::date,
      count(*) FILTER (WHERE type = 'page_view' AND NOT properties ? 'durationMs'),
      count(*) FILTER (WHERE type = 'like' AND properties->>'liked' = 'true'),
      count(*) FILTER (WHERE type = 'watched_to_end'),
      count(*) FILTER (WHERE type = 'page_view' AND properties ? 'durationMs'),
      coalesce(sum((properties->>'durationMs')::numeric)
        FILTER (WHERE type = 'page_view' AND properties ? 'durationMs'), 0)
    FROM tracking_events
    WHERE day = ${day}::date AND film_id IS NOT NULL
      AND type IN ('page_view', 'like', 'watched_to_end')
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(tx);
  await sql`DELETE FROM tracking_film_quality_days WHERE day = ${day}::date`.execute(tx);
  await sql`INSERT INTO tracking_film_quality_days (film_id, occurred_day, day, from_quality,
      to_quality, changes)
    SELECT film_id, ${occurred}, ${day}::date, properties->>'from', properties->>'to', count(*)
    FROM tracking_events
    WHERE day = ${day}::date AND film_id IS NOT NULL AND type = 'quality_change'
    GROUP BY 1, 2, 4, 5`.execute(tx);
  await sql`DELETE FROM tracking_film_viewer_days WHERE day = ${day}::date`.execute(tx);
  await sql`INSERT INTO tracking_film_viewer_days (film_id, occurred_day, day, viewer)
    SELECT DISTINCT film_id, ${occurred}, ${day}::date, coalesce(user_id::text, anonymous_id)
    FROM tracking_events
    WHERE day = ${day}::date AND film_id IS NOT NULL AND type = 'page_view'
      AND coalesce(user_id::text, anonymous_id) IS NOT NULL
    ORDER BY 1, 2, 4`.execute(tx);
}

/**
 * How long after its end a received day is taken as complete: a request that arrived just
 * before midnight is committed by its group within seconds (or refused), and node clocks
 * differ by less.
 */
export const SEAL_AFTER_MS = 5 * 60_000;

/**
 * The received days whose rollups are complete ("sealed"): refreshed at least SEAL_AFTER_MS
 * after the day ended, so nothing can be added to them any more.
 */
export async function sealedDays(db: Db): Promise<Set<string>> {
  const { rows } = await sql<{ day: string }>`
    SELECT to_char(day, 'YYYY-MM-DD') AS day FROM tracking_rollup_days
    WHERE refreshed_at >= day + interval '1 day' + ${`${SEAL_AFTER_MS} milliseconds`}::interval`.execute(
    db,
  );
  return new Set(rows.map((r) => r.day));
}

/**
 * Refreshes today's and yesterday's rollups, and those of any partition not sealed yet (data
 * loaded in bulk, a node that was down over midnight). Returns the days refreshed.
 */
export async function refreshRollups(db: Db, now: Date): Promise<string[]> {
  const yesterday = utcDay(new Date(now.getTime() - 86_400_000));
  const sealed = await sealedDays(db);
  const today = utcDay(now);
  const days = (await partitionDays(db)).filter(
    (day) => day <= today && (day >= yesterday || !sealed.has(day)),
  );
  for (const day of days) await refreshRollupDay(db, day, now);
  return days;
}
