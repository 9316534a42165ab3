import type { EventStore } from '../eventstore/event-store.js';
import type { Db } from '../projections/db/database.js';
import { ALL_READ_MODELS } from '../projections/replay/read-model-groups.js';
import { atLiveCheckpoint } from '../projections/replay/scratch-replay.js';
import { compareReadModels, type RowDifference } from './compare-read-models.js';

/** What {@link diffAgainstReplay} found. */
export interface ReplayDiff {
  readonly differences: readonly RowDifference[];
  /** The read-model checkpoint both sides were compared at. */
  readonly position: string | undefined;
  readonly applied: number;
}

/**
 * Replays the log into a scratch schema up to the live read models' checkpoint and compares
 * every read-model table with the live one, while the projector waits on the checkpoint.
 */
export async function diffAgainstReplay(
  store: EventStore,
  db: Db,
  options: { catchUpUnderLock: boolean; onProgress?: (applied: number) => void },
): Promise<ReplayDiff> {
  const { tables, projections } = ALL_READ_MODELS;
  const { value, position, applied } = await atLiveCheckpoint(
    { store, db, projections, ...options },
    (tx, scratch) => compareReadModels(tx, scratch.live, scratch.name, tables),
  );
  return { differences: value, position, applied };
}
