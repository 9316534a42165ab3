import {
  AccessDeniedError,
  type AppendExpectedRevision,
  type CurrentRevision,
  type RecordedEvent as EsdbRecordedEvent,
  type EventData,
  InvalidArgumentError,
  jsonEvent,
  type Position,
} from '@eventstore/db-client';
import type { EventMetadata, ExpectedRevision, NewEvent, RecordedEvent } from '../event-store.js';
import { decodeStoredEvent } from '../stored-event-schemas.js';

const POSITION_PATTERN = /^(\d{1,20})-(\d{1,20})$/;
/** The start of `$all`, reported by an empty append to a stream that does not exist. */
export const START_POSITION = formatPosition({ commit: 0n, prepare: 0n });

const BACKOFF_BASE_MS = 100;
const BACKOFF_MAX_MS = 5_000;
/** Older servers report this (ulong max) instead of a position on stream reads. */
const UNKNOWN_POSITION = 2n ** 64n - 1n;

/** Encodes an EventStoreDB `$all` position as `<commit>-<prepare>`, zero-padded to 20 digits. */
export function formatPosition(position: Position): string {
  return `${pad(position.commit)}-${pad(position.prepare)}`;
}

/** Decodes a position written by `formatPosition`; throws a RangeError on anything else. */
export function parsePosition(position: string): Position {
  const match = POSITION_PATTERN.exec(position);
  if (!match) throw new RangeError(`not an EventStoreDB position: ${position}`);
  return { commit: BigInt(match[1]!), prepare: BigInt(match[2]!) };
}

/** Orders two `$all` positions by commit, then prepare: negative, zero or positive. */
export function compareEsdbPositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Maps the port's expected revision onto the client's (same literals, checked here once). */
export function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'no_stream':
      return 'no_stream';
    case 'stream_exists':
      return 'stream_exists';
    case 'any':
      return 'any';
    default:
      return expected;
  }
}

/** Whether a stream at `actual` (null: no stream) satisfies the expected revision. */
export function matchesExpected(expected: ExpectedRevision, actual: bigint | null): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return actual === null;
  if (expected === 'stream_exists') return actual !== null;
  return actual === expected;
}

/** Maps the client's reported current revision to ours: `null` when the stream does not exist. */
export function toActualRevision(current: CurrentRevision | undefined): bigint | null | undefined {
  if (current === undefined) return undefined;
  return current === 'no_stream' ? null : current;
}

/** Milliseconds to wait before the n-th consecutive resubscription (1-based): doubling, capped. */
export function backoffDelay(failures: number): number {
  return Math.min(BACKOFF_BASE_MS * 2 ** Math.max(failures - 1, 0), BACKOFF_MAX_MS);
}

/** Errors that a resubscription would only repeat. */
export function cannotHeal(error: unknown): boolean {
  return error instanceof AccessDeniedError || error instanceof InvalidArgumentError;
}

/** Our event as the client's JSON event data, keeping our id so ESDB can deduplicate retries. */
export function toEventData(event: NewEvent): EventData {
  return jsonEvent({
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: {
      ...toStoredMetadata(event.metadata),
      // EventStoreDB sets `created` itself: an imported event's original time rides along here.
      ...(event.createdAt === undefined ? {} : { [CREATED_AT]: event.createdAt.toISOString() }),
    },
  });
}

/** The metadata key that carries an imported event's original time. */
const CREATED_AT = '$createdAt';

/** Metadata as stored: ours, plus `$correlationId`/`$causationId` so the ESDB UI links events. */
export function toStoredMetadata(metadata: EventMetadata): Record<string, unknown> {
  return {
    ...metadata,
    $correlationId: metadata.correlationId,
    ...(metadata.causationId === undefined ? {} : { $causationId: metadata.causationId }),
  };
}

/** Reads our metadata back, preferring our keys and falling back to the `$` conventions. */
export function fromStoredMetadata(stored: unknown): EventMetadata {
  const {
    $correlationId,
    $causationId,
    [CREATED_AT]: _createdAt,
    ...rest
  } = isRecord(stored) ? stored : {};
  const causationId = asString(rest.causationId) ?? asString($causationId);
  return {
    ...rest,
    correlationId: asString(rest.correlationId) ?? asString($correlationId) ?? '',
    ...(causationId === undefined ? {} : { causationId }),
    schemaVersion: typeof rest.schemaVersion === 'number' ? rest.schemaVersion : 1,
  };
}

/**
 * Converts a client event into ours, or undefined when it is not one of ours (a system or
 * link event, binary data, or data that is not a JSON object).
 */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent | undefined {
  if (!event.isJson || event.type.startsWith('$') || event.streamId.startsWith('$')) {
    return undefined;
  }
  if (!isRecord(event.data)) return undefined;
  return decodeStoredEvent({
    id: event.id,
    type: event.type,
    data: event.data,
    metadata: fromStoredMetadata(event.metadata),
    streamId: event.streamId,
    revision: event.revision,
    position: knownPosition(event),
    createdAt: originalTime(event.metadata) ?? event.created,
  });
}

/** The event's encoded `$all` position; throws when the server did not report one. */
export function knownPosition(event: EsdbRecordedEvent): string {
  if (!event.position || event.position.commit === UNKNOWN_POSITION) {
    throw new Error(
      `EventStoreDB reported no position for ${event.streamId}@${event.revision}: server 22.6+ required`,
    );
  }
  return formatPosition(event.position);
}

/** The time an imported event carries in its metadata, if any. */
function originalTime(stored: unknown): Date | undefined {
  const value = isRecord(stored) ? asString(stored[CREATED_AT]) : undefined;
  const date = value === undefined ? undefined : new Date(value);
  return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
}

function pad(value: bigint): string {
  return value.toString().padStart(20, '0');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
