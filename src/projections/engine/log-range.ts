import type { EventStore, RecordedEvent } from '../../eventstore/event-store.js';

/** Bounds of {@link readLogRange}. */
export interface LogRange {
  /** Start after this position (exclusive); undefined starts at the beginning of the log. */
  readonly from?: string | undefined;
  /** Stop at this position (inclusive); undefined stops at the head as it is now. */
  readonly to?: string | undefined;
}

/**
 * The events of the global feed in a range, then the end: unlike `subscribeAll`, which follows
 * the log live, this stops once it has delivered the event at `to`.
 */
export async function* readLogRange(
  store: EventStore,
  range: LogRange = {},
): AsyncGenerator<RecordedEvent> {
  const to = range.to ?? (await store.headPosition());
  if (to === undefined) return;
  if (range.from !== undefined && store.comparePositions(range.from, to) >= 0) return;
  const controller = new AbortController();
  try {
    for await (const event of store.subscribeAll({ from: range.from, signal: controller.signal })) {
      const order = store.comparePositions(event.position, to);
      if (order > 0) return;
      yield event;
      if (order === 0) return;
    }
  } finally {
    controller.abort();
  }
}
