import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { appendEach, assertDistinctStreams } from '../append-each.js';
import { WrongExpectedRevision } from '../errors.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  StreamAppend,
  StreamAppendOutcome,
  SubscribeAllOptions,
} from '../event-store.js';
import {
  backoffDelay,
  cannotHeal,
  compareEsdbPositions,
  formatPosition,
  matchesExpected,
  parsePosition,
  START_POSITION,
  toActualRevision,
  toEsdbExpectedRevision,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-mapping.js';
import { findBatch, readBackBatch, readLastEvent } from './eventstoredb-stream-reads.js';

/** How many of a stream's last events an exact-revision append checks for a retried batch. */
const TAIL_CHECK = 100;

/** The EventStore port on EventStoreDB (gRPC client v6; server 22.6+ for stream-read positions). */
export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly ownsClient: boolean;

  /** Takes an `esdb://` connection string (the store owns the client) or an existing client. */
  constructor(connection: string | EventStoreDBClient) {
    this.ownsClient = typeof connection === 'string';
    this.client =
      typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  /** EventStoreDB has no multi-stream write: one append per stream, in parallel. */
  async appendMany(appends: readonly StreamAppend[]): Promise<StreamAppendOutcome[]> {
    assertDistinctStreams(appends);
    return appendEach((id, events, options) => this.append(id, events, options), appends);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: { readonly expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    const { expectedRevision } = options;
    if (events.length === 0) return this.checkRevision(streamId, expectedRevision);
    if (typeof expectedRevision === 'bigint') {
      // ESDB compares ids only with events after the expected revision: at the current revision
      // it would write a retried batch (or part of one) twice, so the tail is checked first.
      const tail = await findBatch(this.client, streamId, events, TAIL_CHECK);
      if (tail.kind === 'all') return tail.result;
      if (tail.kind === 'part')
        throw new WrongExpectedRevision(streamId, expectedRevision, tail.revision);
    }
    let result: Awaited<ReturnType<EventStoreDBClient['appendToStream']>>;
    try {
      result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const actual = toActualRevision(error.actualVersion);
      return this.retriedOrConflict(streamId, events, expectedRevision, actual);
    }
    // A client built with throwOnAppendFailure: false reports a conflict instead of throwing.
    if (!result.success) return this.retriedOrConflict(streamId, events, expectedRevision);
    // Reading the batch back checks what ESDB deduplicated and gives the last event's position
    // as read() and subscribeAll() report it: the append response has none for an idempotent
    // write, and a multi-event write's position is not its last event's.
    const stored = await readBackBatch(this.client, streamId, events, result.nextExpectedRevision);
    return stored ?? this.retriedOrConflict(streamId, events, expectedRevision);
  }

  async read(streamId: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const events: RecordedEvent[] = [];
    let lastRevision: bigint | undefined;
    try {
      const reading = this.client.readStream(streamId, { fromRevision: options.from ?? START });
      for await (const { event } of reading) {
        if (!event) continue;
        lastRevision = event.revision;
        const recorded = toRecordedEvent(event);
        if (recorded) events.push(recorded);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return { events: [], revision: null };
      throw error;
    }
    return {
      events,
      revision: lastRevision ?? (await readLastEvent(this.client, streamId))?.nextRevision ?? null,
    };
  }

  async *subscribeAll(options: SubscribeAllOptions = {}): AsyncIterable<RecordedEvent> {
    const { signal } = options;
    let after = options.from === undefined ? undefined : parsePosition(options.from);
    let failures = 0;
    while (!signal?.aborted) {
      const subscription = this.client.subscribeToAll({
        fromPosition: after ?? START,
        filter: excludeSystemEvents(),
      });
      // Unsubscribing swallows the client's own cancellation error without ending the stream,
      // so it is destroyed too, which ends the iteration below.
      const stop = () => {
        void subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        for await (const { event } of subscription) {
          failures = 0;
          if (!event || (after && compareEsdbPositions(event.position, after) <= 0)) continue;
          after = event.position;
          const recorded = toRecordedEvent(event);
          if (recorded) yield recorded;
        }
      } catch (error) {
        if (signal?.aborted) return;
        if (cannotHeal(error)) throw error;
      } finally {
        signal?.removeEventListener('abort', stop);
        stop();
      }
      if (signal?.aborted) return;
      failures += 1;
      // The timer rejects only when the signal aborts the wait.
      if (!(await sleep(backoffDelay(failures), true, { signal }).catch(() => false))) return;
    }
  }

  async headPosition(): Promise<string | undefined> {
    // readAll takes no server-side filter in this client: skip system events by hand.
    const reading = this.client.readAll({ direction: BACKWARDS, fromPosition: END });
    try {
      for await (const { event } of reading) {
        if (event && toRecordedEvent(event)) return formatPosition(event.position);
      }
      return undefined;
    } finally {
      // Ends the server-side read early; failing to cancel an already ended read is harmless.
      await reading.cancel().catch(() => undefined);
    }
  }

  comparePositions(a: string, b: string): number {
    return compareEsdbPositions(parsePosition(a), parsePosition(b));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.client.dispose();
  }

  /** After a refusal: the original result if the whole batch is already stored, else the error. */
  private async retriedOrConflict(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedRevision,
    actual?: bigint | null,
  ): Promise<AppendResult> {
    const match = await findBatch(this.client, streamId, events);
    if (match.kind === 'all') return match.result;
    throw new WrongExpectedRevision(
      streamId,
      expected,
      actual === undefined ? match.revision : actual,
    );
  }

  /** An empty append writes nothing: it checks the revision and reports the stream's last event. */
  private async checkRevision(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await readLastEvent(this.client, streamId);
    const actual = last?.nextRevision ?? null;
    if (!matchesExpected(expected, actual))
      throw new WrongExpectedRevision(streamId, expected, actual);
    return last ?? { nextRevision: -1n, position: START_POSITION };
  }
}
