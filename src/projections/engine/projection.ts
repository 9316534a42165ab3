import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Tx } from '../db/database.js';

/**
 * One read model kept up to date from the global feed. `apply` runs inside the projector's
 * batch transaction; it never throws on a well-formed event and skips unknown event types.
 */
export interface Projection {
  readonly name: string;
  apply(tx: Tx, event: RecordedEvent, context: ProjectionContext): Promise<void>;
  /**
   * Optional batch mode: the same effect as `apply` on each event in order, in a few
   * statements. It runs once the projections before it have applied the whole batch.
   */
  applyBatch?(tx: Tx, events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
}

/** What a projection may ask of the batch it runs in. */
export interface ProjectionContext {
  /** Runs `effect` once the batch has committed (e.g. push what was written); never before. */
  afterCommit(effect: () => void): void;
  /**
   * A value shared by the projections of one batch: `load` runs on the first ask of `key`,
   * later asks get the same promise (e.g. a unit of work several projections write from).
   */
  shared<T>(key: symbol, load: () => Promise<T>): Promise<T>;
}
