import { randomUUID } from 'node:crypto';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, type LoadRequest, load } from '../lib/load.js';
import { protectionsOn } from '../lib/server.js';
import { pick } from '../lib/setup.js';
import { percentile } from '../lib/stats.js';
import { withProjectionLag } from './projection-lag.js';

export const HOLD_CONNECTIONS = 50;

/** A hold of one seat on a random one of `screeningIds`, by a random viewer. */
export function holdRequest(ctx: RunContext, screeningIds: readonly string[]): () => LoadRequest {
  const tokens = ctx.world.users.map((u) => `Bearer ${u.token}`);
  return () => ({
    method: 'POST',
    path: '/api/bookings',
    headers: {
      'content-type': 'application/json',
      authorization: pick(tokens),
      // As a careful client sends it: each hold its own key (the server stores every one).
      ...(protectionsOn() ? { 'idempotency-key': randomUUID() } : {}),
    },
    body: JSON.stringify({ screeningId: pick(screeningIds), quantity: 1 }),
  });
}

/**
 * Holds one seat at a time on 1,000 large general-admission screenings (nothing sells out),
 * 50 connections for 10 s (quick: 3 s) after a 1 s warm-up. Figure: 201s per second and the p99
 * latency of every response; anything but 201 is an error. The projection lag is measured
 * over the same load (see projection-lag.ts), so this returns both figures.
 */
export async function holds(ctx: RunContext): Promise<Measurement[]> {
  const screenings = await ctx.manyScreenings();
  const next = holdRequest(
    ctx,
    screenings.map((s) => s.id),
  );
  await load({ url: ctx.server.url, connections: HOLD_CONNECTIONS, duration: 1, next });
  await ctx.api.settle();
  const { result, lag } = await withProjectionLag(ctx.api, () =>
    load({
      url: ctx.server.url,
      connections: HOLD_CONNECTIONS,
      duration: ctx.quick ? 3 : 10,
      next,
    }),
  );
  const ok = result.statuses.get(201) ?? 0;
  const total = result.latencies.length;
  const errors = total - ok + result.errors;
  const measured: Measurement = {
    figure: 'holds',
    metrics: {
      holdsPerSec: ok / result.seconds,
      p99: percentile(result.latencies, 99),
      errors,
    },
    notes: [
      `${describeStatuses(result.statuses)} in ${result.seconds.toFixed(1)} s; ` +
        `p50 ${percentile(result.latencies, 50).toFixed(1)} ms; ${result.errors} connection errors, ${result.timeouts} timeouts`,
    ],
  };
  return [measured, lag];
}
