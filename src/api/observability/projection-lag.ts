import type { Runtime } from '../../runtime.js';

/**
 * Seconds each checkpointed projection or reactor has been behind the head of the log: zero
 * when caught up, else the time since its checkpoint last moved.
 */
export async function projectionLags(runtime: Runtime): Promise<ReadonlyMap<string, number>> {
  const [head, rows] = await Promise.all([
    runtime.store.headPosition(),
    runtime.db
      .selectFrom('projection_checkpoints')
      .select(['name', 'position', 'updated_at'])
      .execute(),
  ]);
  const now = Date.now();
  const lags = new Map<string, number>();
  for (const row of rows) {
    const caughtUp =
      head === undefined ||
      (row.position !== null && runtime.store.comparePositions(row.position, head) >= 0);
    lags.set(row.name, caughtUp ? 0 : (now - new Date(row.updated_at).getTime()) / 1000);
  }
  return lags;
}
