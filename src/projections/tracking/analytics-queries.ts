import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { partitionDays } from './tracking-partitions.js';
import { sealedDays } from './tracking-rollups.js';
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

const DAY_MS = 86_400_000;

/** The window's whole UTC days `[fullFrom, fullTo)`; empty (both `to`) when it has none. */
function wholeDays(window: Window) {
  const from = (window.from ?? EARLIEST).getTime();
  const to = (window.to ?? LATEST).getTime();
  const fullFrom = Math.ceil(from / DAY_MS) * DAY_MS;
  const fullTo = Math.floor(to / DAY_MS) * DAY_MS;
  if (fullFrom >= fullTo) return { fullFrom: new Date(to), fullTo: new Date(to) };
  return { fullFrom: new Date(fullFrom), fullTo: new Date(fullTo) };
}

/**
 * Which events of a film over a window are read raw: those received on a day not sealed yet
 * (today's, yesterday's), and those of the window's partial edge days. Everything else comes
 * from the per-film rollups of the sealed days (whole occurred days inside the window).
 * An event is never received before it occurred (skew correction caps it at its arrival), so
 * only partitions from the window's first day on can hold its events: fewer to plan and probe.
 */
async function filmSources(db: Db, window: Window) {
  const [partitions, sealed] = await Promise.all([partitionDays(db), sealedDays(db)]);
  const { from, to, firstDay } = bounds(window);
  const { fullFrom, fullTo } = wholeDays(window);
  const inWindow = partitions.filter((day) => day >= firstDay);
  return {
    from,
    to,
    fullFrom: fullFrom.toISOString(),
    fullTo: fullTo.toISOString(),
    hasEdges: fullFrom.toISOString() !== from || fullTo.toISOString() !== to,
    sealed: partitions.filter((day) => sealed.has(day)),
    sealedInWindow: inWindow.filter((day) => sealed.has(day)),
    open: inWindow.filter((day) => !sealed.has(day)),
  };
}

/**
 * One film's figures. Whole days of sealed partitions come from the per-film rollups (a popular
 * film has hundreds of thousands of events among ten million); the rest — partitions still
 * taking writes, and the partial first and last day of the window — from its events through
 * the (film_id, type, occurred_at) index, so the figures are exact and include the last write.
 * A page view sent again with `durationMs` (the page was left) is timing, not another view.
 */
export async function filmAnalytics(
  db: Db,
  filmId: string,
  window: Window,
): Promise<FilmAnalytics> {
  const s = await filmSources(db, window);
  // The film's raw events that the rollups do not cover.
  const raw = sql`(
    SELECT type, properties, user_id, anonymous_id FROM tracking_events
    WHERE film_id = ${filmId}::uuid AND day = ANY(${s.open}::date[])
      AND occurred_at >= ${s.from}::timestamptz AND occurred_at < ${s.to}::timestamptz
      AND type IN ('page_view', 'like', 'watched_to_end', 'quality_change')
    ${
      s.hasEdges
        ? sql`UNION ALL
    SELECT type, properties, user_id, anonymous_id FROM tracking_events
    WHERE film_id = ${filmId}::uuid AND day = ANY(${s.sealedInWindow}::date[])
      AND type IN ('page_view', 'like', 'watched_to_end', 'quality_change')
      AND ((occurred_at >= ${s.from}::timestamptz AND occurred_at < ${s.fullFrom}::timestamptz)
        OR (occurred_at >= ${s.fullTo}::timestamptz AND occurred_at < ${s.to}::timestamptz))`
        : sql``
    }
  )`;
  const rolled = sql`film_id = ${filmId}::uuid AND day = ANY(${s.sealed}::date[])
    AND occurred_day >= ${s.fullFrom}::date AND occurred_day < ${s.fullTo}::date`;
  const { rows } = await sql<{
    page_views: number;
    unique_viewers: number;
    likes: number;
    watched: number;
    timed: number;
    time_ms: string;
    changes: { from: string; to: string; count: number }[];
  }>`WITH raw AS MATERIALIZED ${raw},
    counts AS (
      SELECT
        count(*) FILTER (WHERE type = 'page_view' AND NOT properties ? 'durationMs') AS views,
        count(*) FILTER (WHERE type = 'like' AND properties->>'liked' = 'true') AS likes,
        count(*) FILTER (WHERE type = 'watched_to_end') AS watched,
        count(*) FILTER (WHERE type = 'page_view' AND properties ? 'durationMs') AS timed,
        coalesce(sum((properties->>'durationMs')::numeric)
          FILTER (WHERE type = 'page_view' AND properties ? 'durationMs'), 0) AS time_ms
      FROM raw
      UNION ALL
      SELECT sum(views), sum(likes), sum(watched_to_end), sum(timed_views), sum(time_on_page_ms)
      FROM tracking_film_days WHERE ${rolled}
    ), viewers AS (
      SELECT coalesce(user_id::text, anonymous_id) AS viewer FROM raw WHERE type = 'page_view'
      UNION
      SELECT viewer FROM tracking_film_viewer_days WHERE ${rolled}
    ), changes AS (
      SELECT "from", "to", sum(n)::int AS count FROM (
        SELECT properties->>'from' AS "from", properties->>'to' AS "to", count(*) AS n
        FROM raw WHERE type = 'quality_change' GROUP BY 1, 2
        UNION ALL
        SELECT from_quality, to_quality, sum(changes) FROM tracking_film_quality_days
        WHERE ${rolled} GROUP BY 1, 2
      ) c GROUP BY 1, 2
    )
    SELECT coalesce(sum(views), 0)::int AS page_views, coalesce(sum(likes), 0)::int AS likes,
      coalesce(sum(watched), 0)::int AS watched, coalesce(sum(timed), 0)::int AS timed,
      coalesce(sum(time_ms), 0)::text AS time_ms,
      (SELECT count(viewer) FROM viewers)::int AS unique_viewers,
      (SELECT coalesce(json_agg(json_build_object('from', "from", 'to', "to", 'count', count)
        ORDER BY count DESC, "from", "to"), '[]') FROM changes) AS changes
    FROM counts`.execute(db);
  const row = rows[0];
  const pageViews = row?.page_views ?? 0;
  const watchedToEnd = row?.watched ?? 0;
  const timed = row?.timed ?? 0;
  return {
    pageViews,
    uniqueViewers: row?.unique_viewers ?? 0,
    likes: row?.likes ?? 0,
    watchedToEnd,
    watchedToEndRate: pageViews === 0 ? 0 : Math.round((watchedToEnd / pageViews) * 1000) / 1000,
    avgTimeOnPageMs: timed === 0 ? null : Math.round(Number(row?.time_ms) / timed),
    qualityChanges: row?.changes ?? [],
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
