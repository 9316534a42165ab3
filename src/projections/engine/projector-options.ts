import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';
import type { Db } from '../db/database.js';
import type { Projection } from './projection.js';

/** The pino-like logger a projector reports failures to. */
export interface ProjectorLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** Options of {@link Projector}. */
export interface ProjectorOptions {
  /** Names the checkpoint row and the advisory lock: one active instance per name. */
  readonly name: string;
  readonly store: EventStore;
  readonly db: Db;
  /** Applied in this order to every event, all in the batch's transaction. */
  readonly projections: readonly Projection[];
  /** Most events applied in one transaction (default 500). */
  readonly batchSize?: number;
  /** Called after each committed batch with the new checkpoint and the events it applied. */
  readonly onAdvance?: (position: string, applied: readonly RecordedEvent[]) => void;
  readonly logger?: ProjectorLogger;
  /** Pause between tries for the lock, and after a failure (default 1000 ms). */
  readonly retryMs?: number;
}
