import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Tx } from '../db/database.js';

/**
 * One read model kept up to date from the global feed. `applyBatch` runs inside the projector's
 * transaction with the events of one batch, in log order, once the projections before it have
 * applied the whole batch: its effect is that of each event applied in turn, in a few statements.
 * It never throws on well-formed events and skips unknown event types. A batch of one event is
 * how the projector isolates an event a projection cannot apply.
 */
export interface Projection {
  readonly name: string;
  applyBatch(tx: Tx, events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
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
