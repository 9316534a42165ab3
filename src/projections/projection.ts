import type { RecordedEvent } from '../eventstore/event-store.js';
import type { Tx } from './db/database.js';

/**
 * One read model kept up to date from the global feed. `apply` runs inside the projector's
 * batch transaction; it never throws on a well-formed event and skips unknown event types.
 */
export interface Projection {
  readonly name: string;
  apply(tx: Tx, event: RecordedEvent): Promise<void>;
}
