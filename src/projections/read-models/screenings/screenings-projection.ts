import { chunks } from '../../engine/batch-sql.js';
import type { Projection } from '../../engine/projection.js';
import { screeningBatchOf } from './screening-batch.js';

/**
 * The `screenings` table: search fields, seats left and the version (stream revision, the
 * ETag). It reads `places`, `films` and the booking's status before the bookings projection
 * changes it, so it runs after the places projection and before the bookings projection.
 */
export const screeningsProjection: Projection = {
  name: 'screenings',
  async applyBatch(tx, events, context): Promise<void> {
    const batch = await screeningBatchOf(tx, events, context);
    for (const rows of chunks(batch.changedScreenings())) {
      await tx
        .insertInto('screenings')
        .values(rows)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'),
            seats_available: eb.ref('excluded.seats_available'),
            version: eb.ref('excluded.version'),
          })),
        )
        .execute();
    }
  },
};
