import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';
import type { DomainEvent } from '../domain/decider.js';
import type { NewEvent, RecordedEvent } from '../eventstore/event-store.js';
import { upcasters } from '../eventstore/upcast.js';

const EVENT_ID_NAMESPACE = '4f3c2a1e-8d0b-4c5e-9a7f-3b2d1c0e9f8a';

/** Who and what caused a command: copied into the metadata of every event it appends. */
export interface CommandMetadata {
  /** The request id that started the chain. */
  readonly correlationId: string;
  /** The event or command that caused this one. */
  readonly causationId?: string;
  readonly userId?: string;
  /**
   * A stable id for this command: its events get ids derived from it, so a command retried
   * after a lost response re-appends the same ids and the store treats it as a no-op.
   */
  readonly commandId?: string;
}

/** Wraps domain events in the store's envelope. */
export function toNewEvents(events: readonly DomainEvent[], metadata: CommandMetadata): NewEvent[] {
  const { correlationId, causationId, userId, commandId } = metadata;
  return events.map((event, index) => ({
    id: commandId ? uuidv5(`${commandId}:${index}`, EVENT_ID_NAMESPACE) : uuidv7(),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: {
      correlationId,
      ...(causationId === undefined ? {} : { causationId }),
      ...(userId === undefined ? {} : { userId }),
      // The version readers upcast to: data written now is current, no step runs on it.
      schemaVersion: upcasters.versionOf(event.type),
    },
  }));
}

/** The domain view of a stored event. */
export function toDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: event.data };
}
