import type { Api } from '../lib/api.js';
import type { Measurement } from '../lib/figures.js';
import { bucketDelta, histogramBuckets, histogramQuantile } from '../lib/stats.js';

const HISTOGRAM = 'cowatch_projection_delay_seconds';
// The read models (places, screenings, bookings, seat maps, notifications) project together.
const PROJECTION = 'read-models';

/**
 * Projection lag (append → read model) while `load` runs: the server's own histogram
 * `cowatch_projection_delay_seconds{projection="read-models"}` (event `created_at` to the
 * commit of the batch that projected it) is scraped before the load and after the read models
 * have caught up; p99 and p50 come from the bucket deltas, interpolated inside the bucket.
 */
export async function withProjectionLag<T>(
  api: Api,
  run: () => Promise<T>,
): Promise<{ result: T; lag: Measurement }> {
  const before = histogramBuckets(await api.metrics(), HISTOGRAM, { projection: PROJECTION });
  const result = await run();
  const settled = await api.settle();
  const after = histogramBuckets(await api.metrics(), HISTOGRAM, { projection: PROJECTION });
  const delta = bucketDelta(before, after);
  const observed = Math.max(0, ...delta.values());
  return {
    result,
    lag: {
      figure: 'projection-lag',
      metrics: {
        p99: histogramQuantile(delta, 0.99) * 1000,
        p50: histogramQuantile(delta, 0.5) * 1000,
      },
      notes: [
        `${observed} events projected during the hold load${settled ? '' : ' (did not catch up within 60 s)'}`,
      ],
    },
  };
}
