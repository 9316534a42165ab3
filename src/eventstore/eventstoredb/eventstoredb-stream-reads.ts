import {
  BACKWARDS,
  END,
  type RecordedEvent as EsdbRecordedEvent,
  type EventStoreDBClient,
  StreamNotFoundError,
} from '@eventstore/db-client';
import type { AppendResult, NewEvent } from '../event-store.js';
import { knownPosition } from './eventstoredb-mapping.js';

/** What a stream already holds of a batch: all of it (with the original result), part, or none. */
export type BatchMatch =
  | { readonly kind: 'all'; readonly result: AppendResult }
  | { readonly kind: 'part' | 'none'; readonly revision: bigint | null };

/**
 * Looks for the batch's event ids in the stream, newest first, in its last `limit` events or in
 * all of them; stops at the batch's first event.
 */
export async function findBatch(
  client: EventStoreDBClient,
  streamId: string,
  events: readonly NewEvent[],
  limit?: number,
): Promise<BatchMatch> {
  const ids = events.map((event) => event.id.toLowerCase());
  const newestFirst: EsdbRecordedEvent[] = [];
  const reading = client.readStream(streamId, {
    direction: BACKWARDS,
    fromRevision: END,
    ...(limit === undefined ? {} : { maxCount: limit }),
  });
  try {
    for await (const { event } of reading) {
      if (!event) continue;
      newestFirst.push(event);
      if (event.id.toLowerCase() === ids[0]) break;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { kind: 'none', revision: null };
    throw error;
  } finally {
    // Ends the server-side read after an early break; cancelling an ended read is harmless.
    await reading.cancel().catch(() => undefined);
  }
  return matchBatch(newestFirst.reverse(), ids);
}

/**
 * The batch's events as now stored at the revisions ending at `lastRevision`, or undefined when
 * other events sit there (ESDB took known ids in another order for an idempotent retry).
 */
export async function readBackBatch(
  client: EventStoreDBClient,
  streamId: string,
  events: readonly NewEvent[],
  lastRevision: bigint,
): Promise<AppendResult | undefined> {
  const firstRevision = lastRevision - BigInt(events.length) + 1n;
  if (firstRevision < 0n) return undefined;
  const stored: EsdbRecordedEvent[] = [];
  const reading = client.readStream(streamId, {
    fromRevision: firstRevision,
    maxCount: events.length,
  });
  for await (const { event } of reading) if (event) stored.push(event);
  const match = matchBatch(
    stored,
    events.map((event) => event.id.toLowerCase()),
  );
  return match.kind === 'all' && match.result.nextRevision === lastRevision
    ? match.result
    : undefined;
}

/** The revision and position of the stream's last event, or null when there is no stream. */
export async function readLastEvent(
  client: EventStoreDBClient,
  streamId: string,
): Promise<AppendResult | null> {
  const reading = client.readStream(streamId, {
    direction: BACKWARDS,
    fromRevision: END,
    maxCount: 1,
  });
  try {
    for await (const { event } of reading) {
      if (event) return { nextRevision: event.revision, position: knownPosition(event) };
    }
    return null;
  } catch (error) {
    if (error instanceof StreamNotFoundError) return null;
    throw error;
  }
}

/** Matches lower-cased batch ids against stored events (oldest first): contiguous and in order. */
export function matchBatch(
  stored: readonly EsdbRecordedEvent[],
  ids: readonly string[],
): BatchMatch {
  const storedIds = stored.map((event) => event.id.toLowerCase());
  const revision = stored.at(-1)?.revision ?? null;
  const start = storedIds.indexOf(ids[0] ?? '');
  const run = start < 0 ? [] : storedIds.slice(start, start + ids.length);
  const last = stored[start + ids.length - 1];
  if (last && run.length === ids.length && run.every((id, i) => id === ids[i])) {
    return { kind: 'all', result: { nextRevision: last.revision, position: knownPosition(last) } };
  }
  return { kind: storedIds.some((id) => ids.includes(id)) ? 'part' : 'none', revision };
}
