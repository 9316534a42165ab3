import type { EventMetadata, RecordedEvent } from '../event-store.js';
import { decodeStoredEvent } from '../stored-event-schemas.js';
import { formatPosition } from './postgres-position.js';

/**
 * The columns of an event row as both drivers return them. int8 and xid8 are cast to text:
 * `pg` returns int8 as a string but PGlite as a lossy JS number.
 */
export const EVENT_COLUMNS = `e.tx_id::text AS tx_id, e.global_position::text AS global_position,
  e.stream_id, e.revision::text AS revision, e.event_id::text AS event_id, e.type, e.data,
  e.metadata, e.created_at`;

/** An `events` row selected with {@link EVENT_COLUMNS}. */
export interface EventRow {
  readonly tx_id: string;
  readonly global_position: string;
  readonly stream_id: string;
  readonly revision: string;
  readonly event_id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created_at: Date | string;
}

// Both drivers parse jsonb; a driver configured to return text is tolerated.
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

/** Maps a row to the port's event shape. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return decodeStoredEvent({
    id: row.event_id,
    type: row.type,
    data: json<Record<string, unknown>>(row.data),
    metadata: json<EventMetadata>(row.metadata),
    streamId: row.stream_id,
    revision: BigInt(row.revision),
    position: formatPosition(row.tx_id, row.global_position),
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
  });
}
