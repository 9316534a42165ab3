import type { EventStore } from '../../eventstore/event-store.js';
import type { Db, Tx } from '../db/database.js';
import { lockCheckpoint, readCheckpoint } from '../engine/checkpoints.js';
import type { Projection } from '../engine/projection.js';
import { READ_MODELS_PROJECTOR } from '../read-models.js';
import { replayInto } from './replay-into.js';
import { createScratchSchema, type ScratchSchema } from './scratch-schema.js';

/** Options of {@link atLiveCheckpoint}. */
export interface ScratchReplayOptions {
  readonly store: EventStore;
  readonly db: Db;
  /** Replayed into the scratch schema, in the projector's order. */
  readonly projections: readonly Projection[];
  readonly batchSize?: number;
  /** Called after each replayed batch with the number of events applied so far. */
  readonly onProgress?: (applied: number) => void;
  /**
   * Replays the last events while holding the checkpoint, so a busy projector cannot keep
   * moving ahead. Needs a second connection: on PostgreSQL yes, on PGlite never.
   */
  readonly catchUpUnderLock?: boolean;
  /** Catch-up rounds before giving up on read models that keep moving (default 20). */
  readonly maxAttempts?: number;
}

/** What {@link atLiveCheckpoint} did, and what its callback returned. */
export interface ScratchReplayResult<T> {
  readonly value: T;
  readonly applied: number;
  /** The checkpoint both the scratch and the live read models were at; undefined: none yet. */
  readonly position: string | undefined;
  readonly timings: ScratchReplayTimings;
}

/**
 * Where the time went, in milliseconds: a replay's rate is the events over `applyingMs`; the
 * rest is the same for a log of any length (tables, indexes, the swap or the comparison).
 */
export interface ScratchReplayTimings {
  /** Creating the scratch schema: its tables, indexes and a copy of the films. */
  readonly setupMs: number;
  /** Applying the log's events to the scratch tables (every catch-up round). */
  readonly applyingMs: number;
  /** Waiting on the checkpoint and running `fn` (the swap, the comparison), catch-up excluded. */
  readonly finishMs: number;
  /** Dropping the scratch schema. */
  readonly dropMs: number;
}

/** The live read models moved back (another rebuild) or kept moving during the replay. */
export class ScratchReplayError extends Error {
  override readonly name = 'ScratchReplayError';
}

/**
 * Replays the log into fresh tables in a scratch schema up to the live read models'
 * checkpoint, then calls `fn` in a transaction that holds the checkpoint row: the live tables
 * and the scratch ones reflect the same events, and no projector batch can change the live
 * tables until it commits. The scratch schema is dropped afterwards, with whatever `fn` left.
 */
export async function atLiveCheckpoint<T>(
  options: ScratchReplayOptions,
  fn: (tx: Tx, scratch: ScratchSchema) => Promise<T>,
): Promise<ScratchReplayResult<T>> {
  const { store, db } = options;
  const started = performance.now();
  const scratch = await createScratchSchema(db);
  const setupMs = performance.now() - started;
  let position: string | undefined;
  let applied = 0;
  let applyingMs = 0;
  const catchUp = async (target: string | undefined): Promise<void> => {
    if (target === undefined || position === target) {
      if (position !== undefined && target === undefined) throw moved('was reset');
      return;
    }
    if (position !== undefined && store.comparePositions(target, position) < 0) {
      throw moved('moved back');
    }
    const done = applied;
    const applying = performance.now();
    applied += await replayInto({
      store,
      db: scratch.db,
      projections: options.projections,
      from: position,
      to: target,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      onProgress: (count) => options.onProgress?.(done + count),
    });
    applyingMs += performance.now() - applying;
    position = target;
  };
  let finishMs = 0;
  const finished = async (value: T): Promise<ScratchReplayResult<T>> => {
    const dropping = performance.now();
    await scratch.drop();
    const dropMs = performance.now() - dropping;
    return { value, applied, position, timings: { setupMs, applyingMs, finishMs, dropMs } };
  };
  try {
    for (let attempt = 1; attempt <= (options.maxAttempts ?? 20); attempt++) {
      await catchUp(await readCheckpoint(db, READ_MODELS_PROJECTOR));
      const finishing = performance.now();
      const applyingBefore = applyingMs;
      const outcome = await db.transaction().execute(async (tx) => {
        // The checkpoint row first, as the projector's batches do: one lock order, no deadlock.
        const live = await lockCheckpoint(tx, READ_MODELS_PROJECTOR);
        if (options.catchUpUnderLock) await catchUp(live);
        return live === position ? { value: await fn(tx, scratch) } : undefined;
      });
      finishMs += performance.now() - finishing - (applyingMs - applyingBefore);
      if (outcome) return await finished(outcome.value);
    }
    throw new ScratchReplayError('the read models kept moving during the replay; try again');
  } catch (error) {
    await scratch.drop();
    throw error;
  }
}

const moved = (how: string) =>
  new ScratchReplayError(`the read-model checkpoint ${how} during the replay; try again`);
