import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import { applyEvents } from '../engine/apply-events.js';
import { readLogRange } from '../engine/log-range.js';
import type { Projection } from '../engine/projection.js';

/** Options of {@link replayInto}. */
export interface ReplayIntoOptions {
  readonly store: EventStore;
  /** Where the projections write, e.g. a Kysely bound to a scratch schema. */
  readonly db: Db;
  readonly projections: readonly Projection[];
  readonly from?: string | undefined;
  readonly to: string;
  /** Events per transaction (default {@link REPLAY_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Called after each committed batch with the number of events applied so far. */
  readonly onProgress?: (applied: number) => void;
}

/**
 * Events per replay transaction. A batch costs a few statements whatever its length (one read
 * and one upsert per table), so longer batches mean fewer statements and rows written once
 * (a hold and its payment in one batch are one booking row). Bounded all the same: a
 * transaction open holds back the feed of every projector on the server until it commits.
 */
export const REPLAY_BATCH_SIZE = 5_000;

/**
 * Applies the log's events in (from, to] to the projections, batch by batch; returns the count.
 * A replay waits on the database, not on Node: the next batch is read from the log while the
 * one before it is applied (one apply at a time, in log order).
 */
export async function replayInto(options: ReplayIntoOptions): Promise<number> {
  const { store, db, projections } = options;
  const batchSize = options.batchSize ?? REPLAY_BATCH_SIZE;
  let batch: RecordedEvent[] = [];
  let applied = 0;
  let applying: Promise<void> = Promise.resolve();
  const apply = async (events: RecordedEvent[]): Promise<void> => {
    // A replay rebuilds rows only: effects such as notifications went out the first time.
    await db.transaction().execute((tx) => applyEvents(tx, projections, events));
    applied += events.length;
    options.onProgress?.(applied);
  };
  const flush = async (): Promise<void> => {
    const events = batch;
    batch = [];
    await applying;
    applying = apply(events);
    // Awaited at the next flush or at the end; until then a failure must not go unhandled.
    applying.catch(() => undefined);
  };
  for await (const event of readLogRange(store, { from: options.from, to: options.to })) {
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  await applying;
  return applied;
}
