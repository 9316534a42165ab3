import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { insertScreenings } from '../baselines/row-lock-server.js';
import { LARGE_CAPACITY, type RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, load } from '../lib/load.js';
import { createSchema, DATABASE_URL, startServer } from '../lib/server.js';
import { percentile } from '../lib/stats.js';
import { HOLD_CONNECTIONS, holdRequest } from './holds.js';
import {
  CONNECTIONS as HOT_CONNECTIONS,
  MAX_SECONDS as HOT_MAX_SECONDS,
  QUICK_MAX_SECONDS as HOT_QUICK_MAX_SECONDS,
  REQUESTS as HOT_REQUESTS,
  SEATS as HOT_SEATS,
  hotFigure,
} from './hot-stream.js';
import { SEARCH_CONNECTIONS, searchRequests } from './search.js';

/**
 * Issue 12's yardstick: the row-lock baseline (bench/baselines/row-lock-server.ts) as a child
 * process on a fresh schema of its own, with the run's 1,000 screenings copied in, driven with
 * exactly the hold and search loads of the `holds` and `search` scenarios (same connections,
 * durations, tokens, ids). Figure: its holds/s (p99) and search req/s (p95), and cowatch's
 * figure of the same run divided by the baseline's (needs `holds` and `search` in the run).
 */
export async function baseline(ctx: RunContext): Promise<Measurement> {
  const screenings = await ctx.manyScreenings();
  const schema = await createSchema();
  const server = await startServer({
    schema: schema.name,
    profile: false,
    entry: 'bench/baselines/row-lock-server.ts',
  });
  try {
    const pool = new pg.Pool({
      connectionString: DATABASE_URL,
      options: `-c search_path=${schema.name}`,
      max: 1,
    });
    try {
      const startsAt = new Date(Date.now() + 30 * 86_400_000);
      await insertScreenings(
        pool,
        screenings.map((s) => ({ ...s, startsAt, capacity: LARGE_CAPACITY })),
      );
      await pool.query('VACUUM ANALYZE screenings');
    } finally {
      await pool.end();
    }
    const duration = ctx.quick ? 3 : 10;
    const holdNext = holdRequest(
      ctx,
      screenings.map((s) => s.id),
    );
    await load({ url: server.url, connections: HOLD_CONNECTIONS, duration: 1, next: holdNext });
    const holds = await load({
      url: server.url,
      connections: HOLD_CONNECTIONS,
      duration,
      next: holdNext,
    });
    const searchNext = searchRequests(screenings);
    await load({ url: server.url, connections: SEARCH_CONNECTIONS, duration: 1, next: searchNext });
    const search = await load({
      url: server.url,
      connections: SEARCH_CONNECTIONS,
      duration,
      next: searchNext,
    });
    // The hot-stream load too, when this run measured cowatch's (issue 12: ≥ 3× on it).
    const hot = ctx.measured.some((m) => m.figure === 'hot-stream')
      ? await hotScreening(ctx, server.url, schema.name, screenings[0]!)
      : undefined;
    const holdsPerSec = (holds.statuses.get(201) ?? 0) / holds.seconds;
    const searchPerSec = (search.statuses.get(200) ?? 0) / search.seconds;
    const cowatch = (figure: string, metric: string) =>
      ctx.measured.find((m) => m.figure === figure)?.metrics[metric] ?? Number.NaN;
    return {
      figure: 'baseline',
      metrics: {
        holdsPerSec,
        holdsP99: percentile(holds.latencies, 99),
        holdsRatio: cowatch('holds', 'holdsPerSec') / holdsPerSec,
        searchPerSec,
        searchP95: percentile(search.latencies, 95),
        searchRatio: cowatch('search', 'reqPerSec') / searchPerSec,
        ...(hot && {
          hotPerSec: hot.holdsPerSec,
          hotRatio: cowatch('hot-stream', 'holdsPerSec') / hot.holdsPerSec,
          hotOversold: hot.oversold,
        }),
      },
      notes: [
        `holds: ${describeStatuses(holds.statuses)} in ${holds.seconds.toFixed(1)} s; ` +
          `search: ${describeStatuses(search.statuses)} in ${search.seconds.toFixed(1)} s` +
          (hot ? `; hot screening: ${hot.note}` : ''),
      ],
    };
  } finally {
    await server.stop();
    await schema.drop();
  }
}

/**
 * The hot-stream scenario's load on the baseline: one screening of 5,000 seats (copied from
 * one of the run's, so the tokens' viewers and the route are the same), 6,000 one-seat holds on
 * 100 connections, and the same figure. Oversold: seats in its bookings table beyond 5,000.
 */
async function hotScreening(
  ctx: RunContext,
  url: string,
  schema: string,
  template: { readonly filmId: string; readonly hostId: string; readonly placeId: string },
) {
  const id = randomUUID();
  const pool = new pg.Pool({
    connectionString: DATABASE_URL,
    options: `-c search_path=${schema}`,
    max: 1,
  });
  try {
    const startsAt = new Date(Date.now() + 30 * 86_400_000);
    await insertScreenings(pool, [{ ...template, id, startsAt, capacity: HOT_SEATS }]);
    const result = await load({
      url,
      connections: HOT_CONNECTIONS,
      amount: HOT_REQUESTS,
      timeout: 10,
      maxSeconds: ctx.quick ? HOT_QUICK_MAX_SECONDS : HOT_MAX_SECONDS,
      next: holdRequest(ctx, [id]),
    });
    const { rows } = await pool.query<{ seats: string | null }>(
      'SELECT sum(quantity)::text AS seats FROM bookings WHERE screening_id = $1',
      [id],
    );
    const held = Number(rows[0]?.seats ?? 0);
    const { holdsPerSec, sold, soldOut } = hotFigure(result);
    return {
      holdsPerSec,
      oversold: Math.max(0, sold - HOT_SEATS, held - HOT_SEATS),
      note:
        `${describeStatuses(result.statuses)}, ${held} seats booked` +
        (soldOut ? '' : `, NOT sold out in ${result.seconds.toFixed(1)} s`),
    };
  } finally {
    await pool.end();
  }
}
