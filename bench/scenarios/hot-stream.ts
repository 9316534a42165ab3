import pg from 'pg';
import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { describeStatuses, load } from '../lib/load.js';
import { DATABASE_URL, runChild, serverEnv } from '../lib/server.js';
import { createScreenings } from '../lib/setup.js';
import { percentile } from '../lib/stats.js';
import { holdRequest } from './holds.js';

export const SEATS = 5_000;
export const REQUESTS = 6_000;
export const CONNECTIONS = 100;
// A slow server must not stall the benchmark: stop firing after this long.
export const MAX_SECONDS = 30;
export const QUICK_MAX_SECONDS = 15;

/** Seats held in the screening's stream, read from the log itself (not the read model). */
async function seatsHeldInLog(schema: string, screeningId: string): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ seats: string | null }>(
      `SELECT sum((data->>'quantity')::int)::text AS seats FROM ${schema}.events
       WHERE type = 'SeatsHeld' AND data->>'screeningId' = $1`,
      [screeningId],
    );
    return Number(rows[0]?.seats ?? 0);
  } finally {
    await client.end();
  }
}

/** 5,000 / the time until the 5,000th 201 (not sold out in time: 201s / elapsed). */
export function hotFigure(result: Awaited<ReturnType<typeof load>>) {
  const arrivals = [...(result.arrivalsByStatus.get(201) ?? [])].sort((a, b) => a - b);
  const sold = arrivals.length;
  const soldOut = sold >= SEATS;
  // Not sold out within the time bound: holds/s is what was sold over the time it took.
  const holdsPerSec = soldOut ? (SEATS / arrivals[SEATS - 1]!) * 1000 : sold / result.seconds;
  return { arrivals, sold, soldOut, holdsPerSec };
}

/**
 * One general-admission screening of 5,000 seats, 6,000 one-seat holds on 100 connections
 * (the hot stream). Figure: 5,000 / the time until the 5,000th 201 arrived. Oversell is checked
 * three ways: the 201s must number exactly 5,000, the read model must show 0 seats available,
 * and the SeatsHeld events of the stream must add up to exactly 5,000 seats.
 */
export async function hotStream(ctx: RunContext): Promise<Measurement> {
  const [screening] = await createScreenings(ctx.world, 1, { capacity: SEATS });
  const result = await load({
    url: ctx.server.url,
    connections: CONNECTIONS,
    amount: REQUESTS,
    timeout: 10,
    maxSeconds: ctx.quick ? QUICK_MAX_SECONDS : MAX_SECONDS,
    next: holdRequest(ctx, [screening!.id]),
  });
  const { arrivals, sold, soldOut, holdsPerSec } = hotFigure(result);
  await ctx.api.settle();
  const view = await ctx.api.expect<{ seatsAvailable: number }>(
    200,
    'GET',
    `/api/screenings/${screening!.id}`,
  );
  const inLog = await seatsHeldInLog(ctx.schema, screening!.id);
  // Never more than 5,000 seats in the log, the read model agrees with the log, and every 201
  // is in the log (a request cut off or timed out may have been committed without its 201).
  const unanswered = result.cut || result.errors > 0;
  const exact =
    inLog <= SEATS &&
    view.seatsAvailable === SEATS - inLog &&
    sold <= inLog &&
    (unanswered || sold === inLog);
  return {
    figure: 'hot-stream',
    metrics: {
      holdsPerSec,
      sold,
      oversold: Math.max(0, sold - SEATS, inLog - SEATS),
      exact: exact ? 1 : 0,
    },
    notes: [
      `${describeStatuses(result.statuses)}; ` +
        (soldOut
          ? `sold out after ${(arrivals[SEATS - 1]! / 1000).toFixed(2)} s; `
          : `NOT sold out: stopped after ${result.seconds.toFixed(1)} s; `) +
        `seatsAvailable ${view.seatsAvailable}; ${inLog} seats held in the log; ` +
        `p99 ${percentile(result.latencies, 99).toFixed(0)} ms; ${result.errors} errors`,
    ],
  };
}

/** `cowatch verify` over the whole log (invariants + read models vs a replay); optional. */
export async function verifyLog(ctx: RunContext): Promise<{ ok: boolean; line: string }> {
  const port = new URL(ctx.server.url).port;
  const run = await runChild('node', ['bin/cowatch.js', 'verify'], {
    env: serverEnv(ctx.schema, Number(port)),
    timeoutMs: 180_000,
  });
  const line =
    run.stdout
      .split('\n')
      .filter((l) => l.startsWith('verify'))
      .at(-1) ?? `verify exited ${run.code}: ${run.stderr.slice(-300)}`;
  return { ok: run.code === 0, line: `${line} (${(run.ms / 1000).toFixed(1)} s)` };
}
