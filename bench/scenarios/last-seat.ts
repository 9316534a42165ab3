import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, load } from '../lib/load.js';
import { createScreenings } from '../lib/setup.js';
import { percentile } from '../lib/stats.js';
import { holdRequest } from './holds.js';

const REQUESTS = 1_000;

/**
 * A screening with one seat and 1,000 concurrent holds for it (autocannon, 1,000 connections,
 * 1,000 requests, by random viewers). Figure: the number of 201s (exactly one; the rest must
 * be 409 sold_out) and the p99 latency of all 1,000.
 */
export async function lastSeat(ctx: RunContext): Promise<Measurement> {
  const [screening] = await createScreenings(ctx.world, 1, { capacity: 1 });
  const result = await load({
    url: ctx.server.url,
    connections: REQUESTS,
    amount: REQUESTS,
    timeout: 30,
    next: holdRequest(ctx, [screening!.id]),
  });
  const successes = result.statuses.get(201) ?? 0;
  const refused = result.statuses.get(409) ?? 0;
  const answered = result.latencies.length;
  return {
    figure: 'last-seat',
    metrics: {
      successes,
      exactlyOne: successes === 1 && refused === answered - 1 && answered === REQUESTS ? 1 : 0,
      p99: percentile(result.latencies, 99),
    },
    notes: [
      `${describeStatuses(result.statuses)} of ${REQUESTS} in ${result.seconds.toFixed(2)} s; ` +
        `${result.errors} errors, ${result.timeouts} timeouts`,
    ],
  };
}
