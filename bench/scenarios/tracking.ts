import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { readModelsOnPool } from '../../src/projections/db/connect.js';
import {
  filmAnalytics,
  filmsAddedByMonth,
  topFilms,
  topFilters,
} from '../../src/projections/tracking/analytics-queries.js';
import { ensurePartitions } from '../../src/projections/tracking/tracking-partitions.js';
import { refreshRollupDay } from '../../src/projections/tracking/tracking-rollups.js';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { load } from '../lib/load.js';
import { DATABASE_URL } from '../lib/server.js';
import { percentile } from '../lib/stats.js';

const USERS = 10_000;
const BATCH = 20;
const CONNECTIONS = 100;
const DAY_MS = 86_400_000;

/** Simulated users' batches: each user has its anonymous id and sends 20 events at a time. */
function batchOf(user: number, filmIds: readonly string[]) {
  const now = new Date().toISOString();
  const film = filmIds[user % filmIds.length] ?? randomUUID();
  const events = Array.from({ length: BATCH }, (_, i) => ({
    messageId: randomUUID(),
    type: i % 5 === 0 ? 'click' : 'page_view',
    timestamp: now,
    anonymousId: `bench-user-${user}`,
    properties:
      i % 5 === 0 ? { element: 'film', targetId: film } : { path: `/films/${film}`, title: 'x' },
  }));
  return { ids: events.map((e) => e.messageId), body: JSON.stringify({ sentAt: now, events }) };
}

/**
 * 10,000 simulated users (bounded: 100 connections, each taking the next user in turn) send
 * batches of 20 events to POST /api/track/batch for 10 s (quick: 3 s). Figures: events accepted
 * per second (202s × 20 / s), p95 latency, and acknowledged events missing from the table
 * afterwards (read straight from PostgreSQL: must be 0).
 */
export async function tracking(ctx: RunContext): Promise<Measurement> {
  // A warm-up second (JIT, connections, the day's partition) whose events are checked too.
  const warmUp = await sendBatches(ctx, 1);
  const run = await sendBatches(ctx, ctx.quick ? 3 : 10);
  const missing = await missingAcknowledged(ctx.schema, [...warmUp.acked, ...run.acked]);
  const { latencies, statuses, elapsed } = run;
  const described = [...statuses].map(([status, n]) => `${n} × ${status}`).join(', ');
  return {
    figure: 'tracking',
    metrics: {
      eventsPerSec: run.acked.length / elapsed,
      p95: percentile(latencies, 95),
      missing,
      errors: run.errors + latencies.length - (statuses.get(202) ?? 0),
    },
    notes: [
      `${described} in ${elapsed.toFixed(1)} s (${CONNECTIONS} connections, ${USERS} users); ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms; ` +
        `${run.acked.length + warmUp.acked.length} acknowledged (warm-up included), ${missing} of them missing`,
    ],
  };
}

let nextUser = 0;

/**
 * 100 connections send batches back to back for `seconds` (autocannon: the load generator
 * shares the machine's two cores with the server and PostgreSQL, and fetch cost it several
 * times more CPU a request); each connection keeps the ids of the batch it has in flight, so a
 * 202 acknowledges exactly those.
 */
async function sendBatches(ctx: RunContext, seconds: number) {
  const { filmIds } = ctx.world;
  const acked: string[] = [];
  const result = await load({
    url: ctx.server.url,
    connections: CONNECTIONS,
    duration: seconds,
    next: (context) => {
      const { ids, body } = batchOf(nextUser++ % USERS, filmIds);
      context.ids = ids;
      return {
        method: 'POST',
        path: '/api/track/batch',
        headers: { 'content-type': 'application/json' },
        body,
      };
    },
    onResponse: (status, context) => {
      if (status === 202) acked.push(...(context.ids as string[]));
    },
  });
  return {
    acked,
    latencies: result.latencies,
    statuses: result.statuses,
    errors: result.errors + result.timeouts,
    elapsed: result.seconds,
  };
}

async function missingAcknowledged(schema: string, ids: readonly string[]): Promise<number> {
  const client = new pg.Client({
    connectionString: DATABASE_URL,
    options: `-c search_path=${schema}`,
  });
  await client.connect();
  try {
    let missing = 0;
    for (let i = 0; i < ids.length; i += 50_000) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM unnest($1::uuid[]) AS t(id)
         WHERE NOT EXISTS (SELECT 1 FROM tracking_events e WHERE e.message_id = t.id)`,
        [ids.slice(i, i + 50_000)],
      );
      missing += rows[0]?.n ?? 0;
    }
    return missing;
  } finally {
    await client.end();
  }
}

/**
 * Seeds BENCH_TRACKING_EVENTS events (default 2,000,000; quick: 500,000) over 30 days straight
 * into the run's tracking tables with generate_series (not through HTTP), 1,000 films (the
 * catalogue's and made-up ones) with a skewed popularity, rolls the days up, then times each
 * analytics query as the API runs it, one at a time: p95 of each over 200 calls (quick: 50).
 */
export async function trackingAnalytics(ctx: RunContext): Promise<Measurement> {
  const total = Number(process.env.BENCH_TRACKING_EVENTS ?? (ctx.quick ? 500_000 : 2_000_000));
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    options: `-c search_path=${ctx.schema}`,
    max: 2,
  });
  try {
    const db = readModelsOnPool(pool);
    const today = new Date();
    const first = new Date(today.getTime() - 30 * DAY_MS);
    await ensurePartitions(db, first, 31);
    ctx.log(`tracking-analytics: seeding ${total.toLocaleString('en-US')} events over 30 days`);
    let start = performance.now();
    await seed(pool, total, first);
    const seedSeconds = (performance.now() - start) / 1_000;
    start = performance.now();
    for (let d = 0; d <= 30; d++) {
      await refreshRollupDay(
        db,
        new Date(first.getTime() + d * DAY_MS).toISOString().slice(0, 10),
        today,
      );
    }
    const rollupSeconds = (performance.now() - start) / 1_000;
    const films = (
      await pool.query<{ id: string }>('SELECT DISTINCT film_id AS id FROM tracking_film_daily')
    ).rows.map((r) => r.id);
    const rounds = ctx.quick ? 50 : 200;
    const week = { from: new Date(today.getTime() - 7 * DAY_MS), to: today };
    const time = async (fn: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const t0 = performance.now();
        await fn();
        times.push(performance.now() - t0);
      }
      return percentile(times, 95);
    };
    const pick = () => films[Math.floor(Math.random() * films.length)] ?? randomUUID();
    const metrics = {
      filmP95: await time(() => filmAnalytics(db, pick(), week)),
      filmAllP95: await time(() => filmAnalytics(db, pick(), {})),
      topP95: await time(() => topFilms(db, 'views', {}, 20)),
      filtersP95: await time(() => topFilters(db, {}, 20)),
      catalogueP95: await time(() => filmsAddedByMonth(db)),
      events: total,
    };
    return {
      figure: 'tracking-analytics',
      metrics,
      notes: [
        `seeded ${total.toLocaleString('en-US')} events in ${seedSeconds.toFixed(1)} s, rolled up 31 days in ` +
          `${rollupSeconds.toFixed(1)} s; p95 over ${rounds} calls: film (7 days) ${metrics.filmP95.toFixed(1)} ms, ` +
          `film (all) ${metrics.filmAllP95.toFixed(1)} ms, top ${metrics.topP95.toFixed(1)} ms, ` +
          `filters ${metrics.filtersP95.toFixed(1)} ms, catalogue ${metrics.catalogueP95.toFixed(1)} ms`,
      ],
    };
  } finally {
    await pool.end();
  }
}

/**
 * One INSERT per day: event i of a day gets a type by i mod 20, a film by a skewed draw among
 * 1,000 (the square of a uniform number favours the first ones), a viewer among 50,000.
 */
async function seed(pool: pg.Pool, total: number, first: Date): Promise<void> {
  const perDay = Math.ceil(total / 31);
  const catalogue = (await pool.query<{ id: string }>('SELECT id FROM films ORDER BY id')).rows.map(
    (r) => r.id,
  );
  const films = [
    ...catalogue,
    ...Array.from({ length: Math.max(0, 1_000 - catalogue.length) }, () => randomUUID()),
  ];
  for (let d = 0; d <= 30; d++) {
    const day = new Date(first.getTime() + d * DAY_MS).toISOString().slice(0, 10);
    await pool.query(
      `WITH src AS (
        SELECT gen_random_uuid() AS message_id, $1::date AS day,
          $1::date + (i % 86400) * interval '1 second' AS at, i % 20 AS kind,
          ($2::uuid[])[1 + floor(power(random(), 2) * array_length($2::uuid[], 1))::int] AS film,
          'viewer-' || floor(random() * 50000)::int AS viewer
        FROM generate_series(1, $3::int) AS i
      ), ids AS (
        INSERT INTO tracking_message_ids (message_id, day) SELECT message_id, day FROM src
      )
      INSERT INTO tracking_events (message_id, day, occurred_at, received_at, type, anonymous_id,
        page_path, film_id, properties)
      SELECT message_id, day, at, at,
        CASE WHEN kind < 10 THEN 'page_view' WHEN kind < 12 THEN 'like'
          WHEN kind < 13 THEN 'quality_change' WHEN kind < 14 THEN 'watched_to_end'
          WHEN kind < 16 THEN 'search_filter' ELSE 'click' END,
        viewer, '/films/' || film, CASE WHEN kind < 16 THEN film END,
        CASE WHEN kind < 7 THEN jsonb_build_object('path', '/films/' || film)
          WHEN kind < 10 THEN jsonb_build_object('path', '/films/' || film, 'durationMs', kind * 1000)
          WHEN kind < 12 THEN jsonb_build_object('filmId', film, 'liked', kind = 10)
          WHEN kind < 13 THEN jsonb_build_object('filmId', film, 'from', '360p', 'to', '720p', 'position', 60)
          WHEN kind < 14 THEN jsonb_build_object('filmId', film, 'watchedSeconds', 5400)
          WHEN kind < 16 THEN jsonb_build_object('filters',
            jsonb_build_object('genre', (ARRAY['Drama','Comedy','Crime','War'])[1 + kind % 4],
              'year', 1950 + (kind * 7) % 60), 'results', 3)
          ELSE jsonb_build_object('element', 'film', 'targetId', film) END
      FROM src`,
      [day, films, perDay],
    );
  }
  await pool.query('ANALYZE tracking_events');
  await pool.query('ANALYZE tracking_message_ids');
}
