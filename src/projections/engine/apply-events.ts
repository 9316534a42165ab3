import type { RecordedEvent } from '../../eventstore/event-store.js';
import type { Tx } from '../db/database.js';
import type { Projection, ProjectionContext } from './projection.js';

/** How {@link applyEvents} runs the projections over a batch. */
export interface ApplyEventsOptions {
  /** Where post-commit effects go (default: dropped, as in replays). */
  readonly afterCommit?: ((effect: () => void) => void) | undefined;
}

/** Applies a batch of events to the projections inside `tx`: each takes the whole batch in turn. */
export async function applyEvents(
  tx: Tx,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  options: ApplyEventsOptions = {},
): Promise<void> {
  if (events.length === 0) return;
  const context = batchContext(options.afterCommit ?? (() => undefined));
  for (const projection of projections) await projection.applyBatch(tx, events, context);
}

function batchContext(afterCommit: (effect: () => void) => void): ProjectionContext {
  const values = new Map<symbol, Promise<unknown>>();
  return {
    afterCommit,
    shared<T>(key: symbol, load: () => Promise<T>): Promise<T> {
      const known = values.get(key);
      if (known) return known as Promise<T>;
      const loaded = load();
      values.set(key, loaded);
      return loaded;
    },
  };
}
