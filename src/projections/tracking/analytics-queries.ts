import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { utcDay } from './tracking-rows.js';

/** A time window: `from` inclusive, `to` exclusive; either end may be open. */
export interface Window {
  readonly from?: Date | undefined;
  readonly to?: Date | undefined;
}

const EARLIEST = new Date('2000-01-01T00:00:00Z');
const LATEST = new Date('2100-01-01T00:00:00Z');

function bounds(window: Window) {
  const from = window.from ?? EARLIEST;
  const to = window.to ?? LATEST;
  // Rollups have a day's precision: the days the window touches.
  const firstDay = utcDay(from);
  const lastDay = utcDay(new Date(to.getTime() - 1));
  return { from: from.toISOString(), to: to.toISOString(), firstDay, lastDay };
}

/** What `GET /api/analytics/films/:filmId` answers. */
export interface FilmAnalytics {
  readonly pageViews: number;
  readonly uniqueViewers: number;
  readonly likes: number;
  readonly watchedToEnd: number;
  readonly watchedToEndRate: number;
  readonly avgTimeOnPageMs: number | null;
  readonly qualityChanges: { from: string; to: string; count: number }[];
}

/**
 * One film's figures, straight from its events through the (film_id, type, occurred_at) index:
 * a film has few rows among millions, and distinct viewers cannot be summed from daily rollups.
 * A page view sent again with `durationMs` (the page was left) is timing, not another view.
 */
export async function filmAnalytics(
  db: Db,
  filmId: string,
  window: Window,
): Promise<FilmAnalytics> {
  const { from, to } = bounds(window);
  const { rows } = await sql<{
    page_views: number;
    unique_viewers: number;
    likes: number;
    watched: number;
    avg_ms: string | null;
  }>`SELECT
      count(*) FILTER (WHERE type = 'page_view' AND NOT properties ? 'durationMs')::int AS page_views,
      count(DISTINCT coalesce(user_id::text, anonymous_id))
        FILTER (WHERE type = 'page_view')::int AS unique_viewers,
      count(*) FILTER (WHERE type = 'like' AND properties->>'liked' = 'true')::int AS likes,
      count(*) FILTER (WHERE type = 'watched_to_end')::int AS watched,
      avg((properties->>'durationMs')::numeric)
        FILTER (WHERE type = 'page_view' AND properties ? 'durationMs') AS avg_ms
    FROM tracking_events
    WHERE film_id = ${filmId}::uuid AND type IN ('page_view', 'like', 'watched_to_end')
      AND occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz`.execute(db);
  const { rows: changes } = await sql<{ from: string; to: string; count: number }>`
    SELECT properties->>'from' AS from, properties->>'to' AS to, count(*)::int AS count
    FROM tracking_events
    WHERE film_id = ${filmId}::uuid AND type = 'quality_change'
      AND occurred_at >= ${from}::timestamptz AND occurred_at < ${to}::timestamptz
    GROUP BY 1, 2 ORDER BY count DESC, 1, 2`.execute(db);
  const row = rows[0];
  const pageViews = row?.page_views ?? 0;
  const watchedToEnd = row?.watched ?? 0;
  return {
    pageViews,
    uniqueViewers: row?.unique_viewers ?? 0,
    likes: row?.likes ?? 0,
    watchedToEnd,
    watchedToEndRate: pageViews === 0 ? 0 : Math.round((watchedToEnd / pageViews) * 1000) / 1000,
    avgTimeOnPageMs: row?.avg_ms == null ? null : Math.round(Number(row.avg_ms)),
    qualityChanges: changes,
  };
}

/** What the top films are ranked by. */
export type TopMetric = 'views' | 'likes' | 'watched_to_end';

const METRIC_COLUMN: Record<TopMetric, string> = {
  views: 'views',
  likes: 'likes',
  watched_to_end: 'watched_to_end',
};

/** Films ranked by a metric over the window's days, from the daily rollup. */
export async function topFilms(db: Db, metric: TopMetric, window: Window, limit: number) {
  const { firstDay, lastDay } = bounds(window);
  const column = sql.ref(`d.${METRIC_COLUMN[metric]}`);
  const { rows } = await sql<{ film_id: string; title: string | null; count: number }>`
    SELECT t.film_id, f.title, t.count FROM (
      SELECT d.film_id, sum(${column})::int AS count FROM tracking_film_daily d
      WHERE d.day >= ${firstDay}::date AND d.day <= ${lastDay}::date
      GROUP BY d.film_id HAVING sum(${column}) > 0
      ORDER BY count DESC, d.film_id LIMIT ${limit}
    ) t LEFT JOIN films f ON f.id = t.film_id
    ORDER BY t.count DESC, t.film_id`.execute(db);
  return rows.map((r) => ({ filmId: r.film_id, title: r.title, count: r.count }));
}

/** The most used search filter values over the window's days, from the daily rollup. */
export async function topFilters(db: Db, window: Window, limit: number) {
  const { firstDay, lastDay } = bounds(window);
  const { rows } = await sql<{ filter: string; value: string; count: number }>`
    SELECT filter, value, sum(uses)::int AS count FROM tracking_filter_daily
    WHERE day >= ${firstDay}::date AND day <= ${lastDay}::date
    GROUP BY filter, value ORDER BY count DESC, filter, value LIMIT ${limit}`.execute(db);
  return rows;
}

/** Films added to the catalogue per month (UTC), oldest first, from `film_added` facts. */
export async function filmsAddedByMonth(db: Db) {
  const { rows } = await sql<{ month: string; count: number }>`
    SELECT to_char(date_trunc('month', occurred_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
      count(*)::int AS count
    FROM tracking_events WHERE type = 'custom' AND name = 'film_added'
    GROUP BY 1 ORDER BY 1`.execute(db);
  return rows;
}
