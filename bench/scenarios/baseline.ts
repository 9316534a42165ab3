import pg from 'pg';
import { insertScreenings } from '../baselines/row-lock-server.js';
import { LARGE_CAPACITY, type RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, load } from '../lib/load.js';
import { createSchema, DATABASE_URL, startServer } from '../lib/server.js';
import { percentile } from '../lib/stats.js';
import { HOLD_CONNECTIONS, holdRequest } from './holds.js';
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
      },
      notes: [
        `holds: ${describeStatuses(holds.statuses)} in ${holds.seconds.toFixed(1)} s; ` +
          `search: ${describeStatuses(search.statuses)} in ${search.seconds.toFixed(1)} s`,
      ],
    };
  } finally {
    await server.stop();
    await schema.drop();
  }
}
