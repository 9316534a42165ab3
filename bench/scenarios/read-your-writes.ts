import type { RunContext } from '../lib/context.js';
import type { Measurement } from '../lib/figures.js';
import { createScreenings } from '../lib/setup.js';
import { percentile } from '../lib/stats.js';

/**
 * What a viewer waits to see their own write: one viewer at a time holds a seat and at once
 * reads their bookings (`GET /api/bookings/my`, no header: session consistency makes the read
 * wait until the read models hold the hold). 300 rounds (`--quick`: 100) on an otherwise idle
 * server, so the figure is the write-to-read path itself, not queueing behind other load.
 * Figure: p50 and p95 of the read, and how many reads missed the booking just made (must be 0).
 */
export async function readYourWrites(ctx: RunContext): Promise<Measurement> {
  const rounds = ctx.quick ? 100 : 300;
  const [screening] = await createScreenings(ctx.world, 1, { capacity: rounds });
  const reads: number[] = [];
  let missed = 0;
  for (let i = 0; i < rounds; i++) {
    const viewer = ctx.world.users[i % ctx.world.users.length]!;
    const hold = await ctx.api.expect<{ id: string }>(201, 'POST', '/api/bookings', {
      token: viewer.token,
      body: { screeningId: screening!.id, quantity: 1 },
    });
    const read = await ctx.api.request<{ items: { id: string }[] }>('GET', '/api/bookings/my', {
      token: viewer.token,
    });
    reads.push(read.ms);
    if (read.status !== 200 || !read.body.items.some((b) => b.id === hold.id)) missed++;
  }
  return {
    figure: 'read-your-writes',
    metrics: { p50: percentile(reads, 50), p95: percentile(reads, 95), missed },
    notes: [`${rounds} holds, each followed by the holder's own booking list`],
  };
}
