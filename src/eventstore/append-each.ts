import type { EventStore, StreamAppend, StreamAppendOutcome } from './event-store.js';

/** {@link EventStore.appendMany} as one `append` per stream, in parallel: for stores with no
 * multi-stream write (EventStoreDB), and as the fallback of those that have one. */
export function appendEach(
  append: EventStore['append'],
  appends: readonly StreamAppend[],
): Promise<StreamAppendOutcome[]> {
  return Promise.all(
    appends.map(({ streamId, events, expectedRevision }) =>
      append(streamId, events, { expectedRevision }).then(
        (result): StreamAppendOutcome => ({ ok: true, result }),
        (error: unknown): StreamAppendOutcome => ({ ok: false, error }),
      ),
    ),
  );
}

/** Refuses a multi-stream append naming a stream twice: its two parts would race each other. */
export function assertDistinctStreams(appends: readonly StreamAppend[]): void {
  const seen = new Set<string>();
  for (const { streamId } of appends) {
    if (seen.has(streamId)) throw new Error(`appendMany: stream ${streamId} appears twice`);
    seen.add(streamId);
  }
}
