import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, type LoadRequest, load } from '../lib/load.js';
import { pick, type Screening } from '../lib/setup.js';
import { percentile } from '../lib/stats.js';

export const SEARCH_CONNECTIONS = 50;
const CONNECTIONS = SEARCH_CONNECTIONS;

/** Rotating film / host / place searches over random ids of `screenings`. */
export function searchRequests(screenings: readonly Screening[]): () => LoadRequest {
  const paths = {
    filmId: [...new Set(screenings.map((s) => s.filmId))],
    hostId: [...new Set(screenings.map((s) => s.hostId))],
    placeId: [...new Set(screenings.map((s) => s.placeId))],
  };
  const keys = Object.keys(paths) as (keyof typeof paths)[];
  let i = 0;
  return () => {
    const key = keys[i++ % keys.length]!;
    return { method: 'GET', path: `/api/screenings?${key}=${pick(paths[key])}` };
  };
}

/**
 * Anonymous GET /api/screenings?filmId= / ?hostId= / ?placeId= (rotating, random ids among
 * the 1,000 screenings' films, hosts and places; default page of 20), 50 connections for 10 s
 * (quick: 3 s). Figure: 200s per second and the p95 latency.
 */
export async function search(ctx: RunContext): Promise<Measurement> {
  const next = searchRequests(await ctx.manyScreenings());
  await load({ url: ctx.server.url, connections: CONNECTIONS, duration: 1, next });
  const result = await load({
    url: ctx.server.url,
    connections: CONNECTIONS,
    duration: ctx.quick ? 3 : 10,
    next,
  });
  const ok = result.statuses.get(200) ?? 0;
  return {
    figure: 'search',
    metrics: {
      reqPerSec: ok / result.seconds,
      p95: percentile(result.latencies, 95),
      errors: result.latencies.length - ok + result.errors,
    },
    notes: [
      `${describeStatuses(result.statuses)} in ${result.seconds.toFixed(1)} s; ` +
        `p50 ${percentile(result.latencies, 50).toFixed(1)} ms, p99 ${percentile(result.latencies, 99).toFixed(1)} ms`,
    ],
  };
}
