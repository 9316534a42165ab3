import type { RecordedEvent } from '../eventstore/event-store.js';
import type { Tx } from './db/database.js';

/**
 * One read model kept up to date from the global feed. `apply` runs inside the projector's
 * batch transaction; it never throws on a well-formed event and skips unknown event types.
 */
export interface Projection {
  readonly name: string;
  apply(tx: Tx, event: RecordedEvent, context: ProjectionContext): Promise<void>;
}

/** What a projection may ask of the batch it runs in. */
export interface ProjectionContext {
  /** Runs `effect` once the batch has committed (e.g. push what was written); never before. */
  afterCommit(effect: () => void): void;
}
